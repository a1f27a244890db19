import ArgumentParser

/// `letterlock-conformance`: runs the official interop vectors from the command line.
@main
struct LetterlockConformance: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterlock-conformance",
        abstract: "Run the official interop test vectors against Letterlock's implementations."
    )
}
