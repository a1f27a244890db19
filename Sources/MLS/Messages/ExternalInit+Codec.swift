public import WireFormat

extension ExternalInit: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        kemOutput = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(kemOutput)
    }
}
