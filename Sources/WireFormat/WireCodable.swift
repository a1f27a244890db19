/// A value with an RFC 9420 wire encoding.
public protocol WireEncodable {
    /// Appends the value's encoding to `writer`.
    func encode(to writer: inout WireWriter)
}

/// A value that can be decoded from its RFC 9420 wire encoding.
public protocol WireDecodable {
    /// Decodes one value from `reader`, leaving the reader after it.
    init(from reader: inout WireReader) throws(WireFormatError)
}

public typealias WireCodable = WireEncodable & WireDecodable

extension WireEncodable {
    /// The value's encoding, on its own.
    public var wireBytes: [UInt8] {
        var writer = WireWriter()
        encode(to: &writer)
        return writer.bytes
    }
}

extension WireDecodable {
    /// Decodes a value that must span all of `wireBytes` (trailing bytes are rejected).
    public init(wireBytes: [UInt8]) throws(WireFormatError) {
        var reader = WireReader(wireBytes)
        self = try Self(from: &reader)
        try reader.expectEnd()
    }
}
