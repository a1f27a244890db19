/// LetterlockFiles moves encrypted files through the relay; the format itself (pure, no I/O
/// beyond local files) is FileCipher, re-exported so one import gives both.
@_exported public import FileCipher
