/// A named list of known PDQ hashes, as shared by a hash-sharing programme.
///
/// A bank is plain data: where it came from (``source``), and its entries in file order, each
/// with an optional identifier from the list (a ThreatExchange descriptor id, an HMA content id,
/// a row id) and an optional PDQ quality. It knows nothing about storage or matching: the relay
/// persists banks in its own store, and ``MatchIndex`` indexes one (`MatchIndex(bank:)`).
///
/// Importers: ``HashBank/importList(_:name:source:options:)`` (CSV and plain lists, including the
/// ThreatExchange and python-threatexchange CSV shapes) and
/// ``HashBank/importThreatExchangeJSON(_:name:source:options:)``.
public struct HashBank: Hashable, Sendable {
    /// One known hash.
    public struct Entry: Hashable, Sendable {
        public var hash: PDQHash
        /// The list's identifier for this hash, if it has one.
        public var id: String?
        /// The PDQ quality (0...100) recorded with the hash, if the list has one.
        public var quality: Int?

        public init(hash: PDQHash, id: String? = nil, quality: Int? = nil) {
            self.hash = hash
            self.id = id
            self.quality = quality
        }
    }

    /// The bank's name, chosen by whoever imports it.
    public var name: String
    /// Where the list came from (e.g. "NCMEC", "ThreatExchange privacy group 1234"), if known.
    public var source: String?
    /// The hashes, in the order they were added.
    public var entries: [Entry]

    public init(name: String, source: String? = nil, entries: [Entry] = []) {
        self.name = name
        self.source = source
        self.entries = entries
    }

    /// Number of entries.
    public var count: Int { entries.count }

    /// Adds one entry at the end.
    public mutating func append(_ entry: Entry) {
        entries.append(entry)
    }
}
