public import WireFormat

extension EncryptedGroupSecrets: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        newMember = try reader.readOpaque()
        encryptedGroupSecrets = try reader.read(HPKECiphertext.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(newMember)
        writer.write(encryptedGroupSecrets)
    }
}
