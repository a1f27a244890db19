/// A small set of public keys that a whole tree's keys are checked against (RFC 9420 §12.4.2:
/// no UpdatePath key may already be in the tree).
///
/// Hashing every key of a 10,000-member tree costs its full length per key (1,216 bytes for
/// X-Wing, review of the commit path); here a key is first looked up by its length and first
/// eight bytes, and compared in full only when those match one of the few keys looked for.
struct KeyLookup {
    private let keys: [[UInt8]]
    private let prefixes: Set<Prefix>

    private struct Prefix: Hashable {
        let count: Int
        let head: UInt64
    }

    init(_ keys: [[UInt8]]) {
        self.keys = keys
        prefixes = Set(keys.map(Self.prefix))
    }

    /// Whether `key` is one of the keys, byte for byte.
    func contains(_ key: [UInt8]) -> Bool {
        guard prefixes.contains(Self.prefix(key)) else { return false }
        return keys.contains(key)
    }

    private static func prefix(_ key: [UInt8]) -> Prefix {
        var head: UInt64 = 0
        for byte in key.prefix(8) { head = head << 8 | UInt64(byte) }
        return Prefix(count: key.count, head: head)
    }
}
