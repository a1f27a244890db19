public import WireFormat

extension GroupContextExtensions: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        extensions = try reader.readExtensions()
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeVector(extensions)
    }
}
