public import WireFormat

extension PrivateMessage: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        groupID = try reader.readOpaque()
        epoch = try reader.readUInt64()
        contentType = try reader.read(ContentType.self)
        authenticatedData = try reader.readOpaque()
        encryptedSenderData = try reader.readOpaque()
        ciphertext = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(contentType)
        writer.writeOpaque(authenticatedData)
        writer.writeOpaque(encryptedSenderData)
        writer.writeOpaque(ciphertext)
    }
}
