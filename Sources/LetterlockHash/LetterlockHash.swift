import ArgumentParser

/// `letterlock-hash`: perceptual (PDQ) and exact hashes of image files, and matching against hash banks.
@main
struct LetterlockHash: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letterlock-hash",
        abstract: "PDQ perceptual hashes and exact hashes of images, and matching against hash banks."
    )
}
