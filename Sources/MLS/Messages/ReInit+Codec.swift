public import WireFormat

extension ReInit: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        groupID = try reader.readOpaque()
        version = try reader.read(ProtocolVersion.self)
        cipherSuite = try reader.read(CipherSuite.self)
        extensions = try reader.readExtensions()
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(groupID)
        writer.write(version)
        writer.write(cipherSuite)
        writer.writeVector(extensions)
    }
}
