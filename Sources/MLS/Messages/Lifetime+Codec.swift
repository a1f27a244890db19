public import WireFormat

extension Lifetime: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        notBefore = try reader.readUInt64()
        notAfter = try reader.readUInt64()
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(notBefore)
        writer.write(notAfter)
    }
}
