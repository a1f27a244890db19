public import WireFormat

extension LeafNode: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        encryptionKey = try reader.readOpaque()
        signatureKey = try reader.readOpaque()
        credential = try reader.read(Credential.self)
        capabilities = try reader.read(Capabilities.self)
        source = try reader.read(LeafNodeSource.self)
        extensions = try reader.readExtensions()
        signature = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        encodeSignedFields(to: &writer)
        writer.writeOpaque(signature)
    }

    /// The fields above `signature`, shared by LeafNode and LeafNodeTBS.
    func encodeSignedFields(to writer: inout WireWriter) {
        writer.writeOpaque(encryptionKey)
        writer.writeOpaque(signatureKey)
        writer.write(credential)
        writer.write(capabilities)
        writer.write(source)
        writer.writeVector(extensions)
    }

    /// The `LeafNodeTBS` the signature covers (RFC 9420 §7.2): for `update` and `commit`
    /// leaves it binds the group and the leaf's position, so `groupID` and `leafIndex`
    /// are required then and ignored for `key_package` leaves.
    public func toBeSigned(groupID: [UInt8], leafIndex: UInt32) -> [UInt8] {
        var writer = WireWriter()
        encodeSignedFields(to: &writer)
        switch source {
        case .keyPackage:
            break
        case .update, .commit:
            writer.writeOpaque(groupID)
            writer.write(leafIndex)
        }
        return writer.bytes
    }
}
