// The MLSInterop module: being built in this session; see README.md for its status.
enum MLSInteropModule {}
