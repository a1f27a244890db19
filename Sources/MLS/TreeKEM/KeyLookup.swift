/// A small set of public keys that a whole tree's keys are checked against (RFC 9420 §12.4.2:
/// no UpdatePath key may already be in the tree).
///
/// Hashing every key of a 10,000-member tree costs its full length per key (1,216 bytes for
/// X-Wing) plus a hasher per key; here a key's first eight bytes are compared with those of the
/// few keys looked for (a short linear scan over integers), and only a key whose first bytes
/// match one of them is compared in full.
struct KeyLookup {
    private let keys: [[UInt8]]
    private let heads: [UInt64]

    init(_ keys: [[UInt8]]) {
        self.keys = keys
        heads = keys.map(Self.head)
    }

    /// Whether `key` is one of the keys, byte for byte.
    func contains(_ key: [UInt8]) -> Bool {
        let head = Self.head(key)
        for (i, candidate) in heads.enumerated() where candidate == head {
            if keys[i] == key { return true }
        }
        return false
    }

    /// The first eight bytes (fewer for a shorter key), big-endian.
    private static func head(_ key: [UInt8]) -> UInt64 {
        key.withUnsafeBufferPointer { bytes in
            var head: UInt64 = 0
            for byte in bytes.prefix(8) { head = head << 8 | UInt64(byte) }
            return head
        }
    }
}
