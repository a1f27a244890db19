public import WireFormat

extension GroupInfo: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        groupContext = try reader.read(GroupContext.self)
        extensions = try reader.readExtensions()
        confirmationTag = try reader.readOpaque()
        signer = try reader.readUInt32()
        signature = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        encodeSignedFields(to: &writer)
        writer.writeOpaque(signature)
    }

    func encodeSignedFields(to writer: inout WireWriter) {
        writer.write(groupContext)
        writer.writeVector(extensions)
        writer.writeOpaque(confirmationTag)
        writer.write(signer)
    }

    /// The `GroupInfoTBS` the signature covers: every field but `signature`.
    public var toBeSigned: [UInt8] {
        var writer = WireWriter()
        encodeSignedFields(to: &writer)
        return writer.bytes
    }
}
