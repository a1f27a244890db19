// The MLS module: being built in this session; see README.md for its status.
enum MLSModule {}
