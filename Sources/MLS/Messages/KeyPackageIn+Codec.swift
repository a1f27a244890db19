public import WireFormat

extension KeyPackageIn: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        version = try reader.read(ProtocolVersion.self)
        cipherSuite = try reader.read(CipherSuite.self)
        initKey = try reader.readOpaque()
        leafNode = try reader.read(LeafNode.self)
        extensions = try reader.readExtensions()
        signature = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        encodeSignedFields(to: &writer)
        writer.writeOpaque(signature)
    }

    func encodeSignedFields(to writer: inout WireWriter) {
        writer.write(version)
        writer.write(cipherSuite)
        writer.writeOpaque(initKey)
        writer.write(leafNode)
        writer.writeVector(extensions)
    }

    /// The `KeyPackageTBS` the signature covers (RFC 9420 §10): every field but `signature`.
    public var toBeSigned: [UInt8] {
        var writer = WireWriter()
        encodeSignedFields(to: &writer)
        return writer.bytes
    }
}
