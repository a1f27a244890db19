public import WireFormat

extension Capabilities: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        versions = try reader.readVector(of: ProtocolVersion.self)
        cipherSuites = try reader.readVector(of: CipherSuite.self)
        extensions = try reader.readVector(of: ExtensionType.self)
        proposals = try reader.readVector(of: ProposalType.self)
        credentials = try reader.readVector(of: CredentialType.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeVector(versions)
        writer.writeVector(cipherSuites)
        writer.writeVector(extensions)
        writer.writeVector(proposals)
        writer.writeVector(credentials)
    }
}
