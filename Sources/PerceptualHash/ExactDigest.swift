/// An exact (cryptographic) hash of a file's bytes, as known-material lists often carry them
/// next to, or instead of, perceptual hashes (issue 4, item 4).
public struct ExactDigest: Hashable, Sendable, CustomStringConvertible {
    /// The algorithms such lists use. MD5 is broken for collision resistance and is here only to
    /// match lists that still carry it; prefer SHA-256.
    public enum Algorithm: String, CaseIterable, Sendable, Hashable {
        case md5
        case sha256

        /// Digest length in bytes.
        public var byteCount: Int {
            switch self {
            case .md5: 16
            case .sha256: 32
            }
        }
    }

    public let algorithm: Algorithm
    /// The digest, `algorithm.byteCount` bytes.
    public let bytes: [UInt8]

    init(algorithm: Algorithm, bytes: [UInt8]) {
        precondition(bytes.count == algorithm.byteCount)
        self.algorithm = algorithm
        self.bytes = bytes
    }

    /// Parses a digest written as hex (either case), e.g. from a hash list. Nil unless it is exactly
    /// `2 × algorithm.byteCount` hex digits.
    public init?(hex text: some StringProtocol, algorithm: Algorithm) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 2 * algorithm.byteCount else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(algorithm.byteCount)
        var index = 0
        while index < utf8.count {
            guard let high = Self.nibble(utf8[index]), let low = Self.nibble(utf8[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        self.init(algorithm: algorithm, bytes: bytes)
    }

    /// Lowercase hex, as `md5sum` and `sha256sum` print it.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xf)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    private static func nibble(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
