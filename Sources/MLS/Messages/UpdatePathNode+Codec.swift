public import WireFormat

extension UpdatePathNode: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        encryptionKey = try reader.readOpaque()
        encryptedPathSecret = try reader.readVector(of: HPKECiphertext.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(encryptionKey)
        writer.writeVector(encryptedPathSecret)
    }
}
