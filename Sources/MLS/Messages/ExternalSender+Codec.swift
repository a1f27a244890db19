public import WireFormat

extension ExternalSender: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        signatureKey = try reader.readOpaque()
        credential = try reader.read(Credential.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(signatureKey)
        writer.write(credential)
    }
}
