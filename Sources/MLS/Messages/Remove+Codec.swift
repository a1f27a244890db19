public import WireFormat

extension Remove: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        removed = try reader.readUInt32()
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(removed)
    }
}
