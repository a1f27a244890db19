import WireFormat

/// A ReInit proposal (RFC 9420 §12.1.5): reinitialize the group with new parameters.
public struct ReInit: Hashable, Sendable {
    public var groupID: [UInt8]
    public var version: ProtocolVersion
    public var cipherSuite: CipherSuite
    public var extensions: [Extension]

    public init(groupID: [UInt8], version: ProtocolVersion = .mls10, cipherSuite: CipherSuite, extensions: [Extension]) {
        self.groupID = groupID
        self.version = version
        self.cipherSuite = cipherSuite
        self.extensions = extensions
    }
}
