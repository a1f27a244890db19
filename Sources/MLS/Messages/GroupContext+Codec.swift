public import WireFormat

extension GroupContext: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        guard try reader.read(ProtocolVersion.self) == .mls10 else { throw .invalidValue("GroupContext version") }
        cipherSuite = try reader.read(CipherSuite.self)
        groupID = try reader.readOpaque()
        epoch = try reader.readUInt64()
        treeHash = try reader.readOpaque()
        confirmedTranscriptHash = try reader.readOpaque()
        extensions = try reader.readExtensions()
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(version)
        writer.write(cipherSuite)
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.writeOpaque(treeHash)
        writer.writeOpaque(confirmedTranscriptHash)
        writer.writeVector(extensions)
    }
}
