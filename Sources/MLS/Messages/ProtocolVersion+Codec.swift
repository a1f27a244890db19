public import WireFormat

extension ProtocolVersion: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        self.init(rawValue: try reader.readUInt16())
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(rawValue)
    }
}
