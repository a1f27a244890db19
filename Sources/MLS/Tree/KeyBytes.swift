/// A public key as a set element, hashed with one `Hasher.combine(bytes:)` over its bytes.
/// (`[UInt8]`'s own `Hashable` feeds the hasher one byte at a time, which dominated processing
/// a Commit, and checking key uniqueness on join, in a 10,000-member group with 1,216-byte
/// X-Wing keys.) Equality still compares every byte. The hasher is seeded per process, so
/// chosen keys cannot force collisions.
struct KeyBytes: Hashable {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    func hash(into hasher: inout Hasher) {
        bytes.withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}
