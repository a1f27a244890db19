import ArgumentParser

/// The benchmark subcommands. Each area adds its command here (one line) and in its own file.
let benchSubcommands: [any ParsableCommand.Type] = [
    MLSBench.self,
    PDQBench.self,
    PDQMatchBench.self,
    RelayBench.self,
    RelayEchoServer.self,
    FilesBench.self,
]
