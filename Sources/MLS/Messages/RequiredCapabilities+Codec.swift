public import WireFormat

extension RequiredCapabilities: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        extensionTypes = try reader.readVector(of: ExtensionType.self)
        proposalTypes = try reader.readVector(of: ProposalType.self)
        credentialTypes = try reader.readVector(of: CredentialType.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeVector(extensionTypes)
        writer.writeVector(proposalTypes)
        writer.writeVector(credentialTypes)
    }
}
