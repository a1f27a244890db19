// The ImageDecoding module: being built in this session; see README.md for its status.
enum ImageDecodingModule {}
