import ArgumentParser

/// `letterlock-bench`: performance figures, each beside a reference measured in the same run.
///
/// Build in release (`make bench`); debug figures mean nothing. Every area adds one subcommand
/// in its own file.
@main
struct LetterlockBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterlock-bench",
        abstract: "Letterlock benchmarks: each figure is printed with its ratio to a reference measured in the same run.",
        subcommands: benchSubcommands
    )
}

/// Options every benchmark takes.
struct BenchOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per figure: {\"bench\",\"metric\",\"value\",\"unit\",\"reference\",\"ratio\"}.")
    var json = false

    var reporter: BenchReporter { BenchReporter(json: json) }
}
