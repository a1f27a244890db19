/// One image to look up: its PDQ hash, optionally with its dihedral variants, and its quality.
///
/// A query carries 1 to 8 hashes: the hash of the image as stored first, then any of the seven
/// dihedral variants (PDQ spec §12) the caller wants matched too. A match reports which of them
/// matched (``MatchIndex/Match/variant`` is the position in ``hashes``).
///
/// A query whose ``quality`` is below the index's minimum (default 50, spec §11) is not matched:
/// low-quality hashes (flat, text-like or tiny images) are where chance matches come from.
public struct MatchQuery: Hashable, Sendable {
    /// The most hashes one query may carry: the original and its seven dihedral variants.
    public static let maximumHashCount = 8

    /// The hashes to look up, original first.
    public let hashes: [PDQHash]

    /// The PDQ quality (0...100) of the image, if known. `nil` means the caller vouches for it.
    public var quality: Int?

    /// A query for one hash.
    public init(_ hash: PDQHash, quality: Int? = nil) {
        self.hashes = [hash]
        self.quality = quality
    }

    /// A query for an image and some of its dihedral variants (1 to 8 hashes, original first).
    ///
    /// - Precondition: `hashes.count` is in `1...8`.
    public init(hashes: [PDQHash], quality: Int? = nil) {
        precondition((1...Self.maximumHashCount).contains(hashes.count), "a MatchQuery carries 1 to 8 hashes")
        self.hashes = hashes
        self.quality = quality
    }
}
