public import WireFormat

extension ExternalPub: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        externalPub = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(externalPub)
    }
}
