/// Writes the TLS presentation language as RFC 9420 uses it (§2.1); the counterpart of
/// ``WireReader``. Length headers are always minimally encoded (§2.1.2).
public struct WireWriter {
    /// The bytes written so far.
    public private(set) var bytes: [UInt8]

    /// The largest length a §2.1.2 header can carry: 2^30 - 1.
    public static let maximumLength = (1 << 30) - 1

    public init() {
        bytes = []
    }

    /// A writer whose buffer has room for `capacity` bytes before it reallocates.
    public init(reservingCapacity capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    // MARK: Integers (§2.1: network byte order)

    public mutating func write(_ value: UInt8) {
        bytes.append(value)
    }

    public mutating func write(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    public mutating func write(_ value: UInt32) {
        for shift in stride(from: 24, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt32(shift)))
        }
    }

    public mutating func write(_ value: UInt64) {
        for shift in stride(from: 56, through: 0, by: -8) {
            bytes.append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
        }
    }

    // MARK: Opaque data

    /// Fixed-size opaque data: the bytes as they are, no header.
    public mutating func writeBytes(_ bytes: some Sequence<UInt8>) {
        self.bytes.append(contentsOf: bytes)
    }

    /// The §2.1.2 variable-length header for `length`, minimally encoded.
    ///
    /// - Precondition: `0 <= length <= 2^30 - 1`. Callers that take lengths from outside
    ///   check them first with ``validateLength(_:)``.
    public mutating func writeVarintLength(_ length: Int) {
        precondition(length >= 0 && length <= Self.maximumLength, "MLS vector length out of range")
        Self.appendVarintLength(length, to: &bytes)
    }

    /// Throws ``WireFormatError/lengthTooLarge`` if `length` cannot be encoded in a §2.1.2 header.
    public static func validateLength(_ length: Int) throws(WireFormatError) {
        guard length >= 0 && length <= maximumLength else { throw .lengthTooLarge }
    }

    /// The number of bytes the §2.1.2 header for `length` takes (1, 2 or 4).
    public static func varintLengthSize(_ length: Int) -> Int {
        length <= 0x3f ? 1 : (length <= 0x3fff ? 2 : 4)
    }

    @inline(__always)
    private static func appendVarintLength(_ length: Int, to bytes: inout [UInt8]) {
        switch length {
        case 0...0x3f:
            bytes.append(UInt8(length))
        case 0x40...0x3fff:
            bytes.append(0x40 | UInt8(length >> 8))
            bytes.append(UInt8(truncatingIfNeeded: length))
        default:
            bytes.append(0x80 | UInt8(truncatingIfNeeded: length >> 24))
            bytes.append(UInt8(truncatingIfNeeded: length >> 16))
            bytes.append(UInt8(truncatingIfNeeded: length >> 8))
            bytes.append(UInt8(truncatingIfNeeded: length))
        }
    }

    /// Variable-length opaque data (`opaque x<V>`): the header, then the bytes.
    public mutating func writeOpaque(_ bytes: some Collection<UInt8>) {
        writeVarintLength(bytes.count)
        self.bytes.append(contentsOf: bytes)
    }

    // MARK: Vectors and optionals

    /// A variable-length vector (`T x<V>`): `body` writes the elements; the header with their
    /// total byte length is placed in front of them.
    public mutating func writeVector(_ body: (inout WireWriter) -> Void) {
        let start = bytes.count
        body(&self)
        let length = bytes.count - start
        precondition(length <= Self.maximumLength, "MLS vector length out of range")
        var header: [UInt8] = []
        header.reserveCapacity(4)
        Self.appendVarintLength(length, to: &header)
        bytes.insert(contentsOf: header, at: start)
    }

    /// An optional value (`optional<T>`, §2.1.3): a presence flag, then the value when present.
    public mutating func writeOptional<T>(_ value: T?, _ element: (inout WireWriter, T) -> Void) {
        if let value {
            write(UInt8(1))
            element(&self, value)
        } else {
            write(UInt8(0))
        }
    }

    /// A value of a ``WireEncodable`` type.
    public mutating func write(_ value: some WireEncodable) {
        value.encode(to: &self)
    }
}
