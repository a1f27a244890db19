extension RandomNumberGenerator {
    /// `count` bytes from the generator, as a ``Secret``; the temporary buffer is wiped.
    ///
    /// The generator is the caller's injected randomness: in production
    /// `SystemRandomNumberGenerator` (the operating system's CSPRNG), in tests a seeded one.
    /// It must be cryptographically secure for anything but tests.
    mutating func secret(count: Int) -> Secret {
        var bytes = [UInt8](repeating: 0, count: count)
        defer { Zeroize.bytes(&bytes) }
        var filled = 0
        while filled < count {
            var word = next()
            withUnsafeBytes(of: &word) { raw in
                let n = min(raw.count, count - filled)
                for i in 0..<n { bytes[filled + i] = raw[i] }
                filled += n
            }
            word = 0
        }
        return Secret(bytes: bytes)
    }
}
