/// Reads the TLS presentation language as RFC 9420 uses it (§2.1): big-endian integers,
/// fixed-size opaque data, variable-length vectors with the MLS length header (§2.1.2) and
/// optional values.
///
/// The reader is strict: it rejects non-minimal length headers, the reserved `0b11` prefix,
/// lengths that run past the input (or past the enclosing vector), and optional flags other
/// than 0 or 1. ``expectEnd()`` rejects trailing bytes. Nested vectors are read in place,
/// without copying: the reader narrows its limit to the vector's extent while its elements
/// are decoded.
public struct WireReader {
    @usableFromInline let storage: [UInt8]
    /// Index of the next byte to read.
    @usableFromInline var position: Int
    /// One past the last byte this reader may read: the end of the input or of the enclosing vector.
    @usableFromInline var limit: Int

    /// A reader over `bytes`, starting at the first byte.
    public init(_ bytes: [UInt8]) {
        storage = bytes
        position = 0
        limit = bytes.count
    }

    /// A reader over a copy of `bytes`.
    public init(_ bytes: some Sequence<UInt8>) {
        self.init(Array(bytes))
    }

    /// The bytes left before the end of the input (or of the vector being decoded).
    public var remainingCount: Int { limit - position }

    /// Whether every byte (of the input, or of the vector being decoded) has been read.
    public var isAtEnd: Bool { position == limit }

    // MARK: Integers (§2.1: network byte order)

    public mutating func readUInt8() throws(WireFormatError) -> UInt8 {
        guard position < limit else { throw .truncated }
        defer { position += 1 }
        return storage[position]
    }

    public mutating func readUInt16() throws(WireFormatError) -> UInt16 {
        UInt16(truncatingIfNeeded: try readBigEndian(byteCount: 2))
    }

    public mutating func readUInt32() throws(WireFormatError) -> UInt32 {
        UInt32(truncatingIfNeeded: try readBigEndian(byteCount: 4))
    }

    public mutating func readUInt64() throws(WireFormatError) -> UInt64 {
        try readBigEndian(byteCount: 8)
    }

    @inline(__always)
    private mutating func readBigEndian(byteCount: Int) throws(WireFormatError) -> UInt64 {
        guard remainingCount >= byteCount else { throw .truncated }
        var value: UInt64 = 0
        for index in position..<(position + byteCount) {
            value = (value << 8) | UInt64(storage[index])
        }
        position += byteCount
        return value
    }

    // MARK: Opaque data

    /// Fixed-size opaque data (`opaque x[count]`): exactly `count` bytes, no header.
    public mutating func readBytes(count: Int) throws(WireFormatError) -> [UInt8] {
        guard count >= 0, remainingCount >= count else { throw .truncated }
        defer { position += count }
        return Array(storage[position..<(position + count)])
    }

    /// The variable-length header of RFC 9420 §2.1.2: a 2-bit prefix selecting a 1-, 2- or
    /// 4-byte big-endian length (6, 14 or 30 bits). The prefix `0b11` is invalid, and the
    /// shortest encoding is required. The length is not checked against the remaining input.
    public mutating func readVarintLength() throws(WireFormatError) -> Int {
        let first = try readUInt8()
        let prefix = first >> 6
        let top = Int(first & 0x3f)
        switch prefix {
        case 0b00:
            return top
        case 0b01:
            let length = (top << 8) | Int(try readUInt8())
            guard length > 0x3f else { throw .nonMinimalLength }
            return length
        case 0b10:
            let rest = try readBigEndian(byteCount: 3)
            let length = (top << 24) | Int(rest)
            guard length > 0x3fff else { throw .nonMinimalLength }
            return length
        default:
            throw .invalidLengthPrefix
        }
    }

    /// Variable-length opaque data (`opaque x<V>`): a §2.1.2 header then that many bytes.
    public mutating func readOpaque() throws(WireFormatError) -> [UInt8] {
        let length = try readVarintLength()
        return try readBytes(count: length)
    }

    // MARK: Vectors and optionals

    /// A variable-length vector of `T` (`T x<V>`): a §2.1.2 header giving the byte length, then
    /// elements decoded by `element` until they exactly fill it. An element that would run past
    /// the vector's extent fails with ``WireFormatError/truncated``; an element that consumes no
    /// bytes is rejected (it would otherwise repeat forever).
    public mutating func readVector<T>(
        _ element: (inout WireReader) throws(WireFormatError) -> T
    ) throws(WireFormatError) -> [T] {
        let length = try readVarintLength()
        guard length <= remainingCount else { throw .truncated }
        let outerLimit = limit
        let end = position + length
        limit = end
        defer { limit = outerLimit }
        var elements: [T] = []
        while position < end {
            let before = position
            elements.append(try element(&self))
            guard position > before else { throw .invalidValue("zero-length vector element") }
        }
        return elements
    }

    /// Reads a `T x<V>` vector's body with `body`, which must consume it exactly; the reader
    /// passed to `body` ends at the vector's end, so `body` may use ``isAtEnd`` to loop.
    /// For structures such as extension lists whose decoding needs the whole body at once.
    public mutating func readVectorBody<T>(
        _ body: (inout WireReader) throws(WireFormatError) -> T
    ) throws(WireFormatError) -> T {
        let length = try readVarintLength()
        guard length <= remainingCount else { throw .truncated }
        let outerLimit = limit
        limit = position + length
        defer { limit = outerLimit }
        let value = try body(&self)
        guard isAtEnd else { throw .trailingBytes }
        return value
    }

    /// An optional value (`optional<T>`, RFC 9420 §2.1.3): a `uint8` presence flag, 0 or 1,
    /// followed by the value when 1. Any other flag is ``WireFormatError/invalidValue(_:)``.
    public mutating func readOptional<T>(
        _ element: (inout WireReader) throws(WireFormatError) -> T
    ) throws(WireFormatError) -> T? {
        switch try readUInt8() {
        case 0: return nil
        case 1: return try element(&self)
        default: throw .invalidValue("optional presence flag")
        }
    }

    /// A value of a ``WireDecodable`` type.
    public mutating func read<T: WireDecodable>(_ type: T.Type) throws(WireFormatError) -> T {
        try T(from: &self)
    }

    /// Fails with ``WireFormatError/trailingBytes`` unless every byte has been read.
    public func expectEnd() throws(WireFormatError) {
        guard isAtEnd else { throw .trailingBytes }
    }
}
