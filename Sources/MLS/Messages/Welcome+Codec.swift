public import WireFormat

extension Welcome: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        cipherSuite = try reader.read(CipherSuite.self)
        secrets = try reader.readVector(of: EncryptedGroupSecrets.self)
        encryptedGroupInfo = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(cipherSuite)
        writer.writeVector(secrets)
        writer.writeOpaque(encryptedGroupInfo)
    }
}
