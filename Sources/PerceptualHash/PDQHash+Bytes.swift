extension PDQHash {
    /// The 32-byte form: the 256-bit value big-endian, i.e. the bytes of the hex text
    /// (PDQ spec §10; python-threatexchange's faiss index uses `bytes.fromhex(hex)`).
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(32)
        for index in stride(from: 3, through: 0, by: -1) {
            let value = limb(index)
            for shift in stride(from: 56, through: 0, by: -8) {
                out.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
        return out
    }

    /// Reads the 32-byte big-endian form (see ``bytes``); nil unless exactly 32 bytes.
    public init?(bytes: some Collection<UInt8>) {
        guard bytes.count == 32 else { return nil }
        var result = PDQHash.zero
        var iterator = bytes.makeIterator()
        for index in stride(from: 3, through: 0, by: -1) {
            var value: UInt64 = 0
            for _ in 0..<8 {
                // `count == 32` was checked, so the iterator yields 32 bytes.
                value = value << 8 | UInt64(iterator.next() ?? 0)
            }
            result.setLimb(index, value)
        }
        self = result
    }
}
