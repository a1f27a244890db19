public import WireFormat

extension ContentType: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        guard let value = ContentType(rawValue: try reader.readUInt8()) else { throw .invalidValue("ContentType") }
        self = value
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(rawValue)
    }
}
