import WireFormat

/// What a client supports (RFC 9420 §7.2, `Capabilities`).
///
/// Unknown values (including GREASE) are kept as received: RFC 9420 §13.4 says they MUST
/// be ignored, so they decode and re-encode untouched and simply never match.
public struct Capabilities: Hashable, Sendable {
    public var versions: [ProtocolVersion]
    public var cipherSuites: [CipherSuite]
    public var extensions: [ExtensionType]
    public var proposals: [ProposalType]
    public var credentials: [CredentialType]

    public init(
        versions: [ProtocolVersion] = [.mls10],
        cipherSuites: [CipherSuite],
        extensions: [ExtensionType] = [],
        proposals: [ProposalType] = [],
        credentials: [CredentialType] = [.basic]
    ) {
        self.versions = versions
        self.cipherSuites = cipherSuites
        self.extensions = extensions
        self.proposals = proposals
        self.credentials = credentials
    }

    /// Whether an extension of `type` is supported: default types always are (RFC 9420 §7.2).
    public func supports(extension type: ExtensionType) -> Bool {
        type.isDefault || extensions.contains(type)
    }

    /// Whether proposals of `type` are supported: default types always are (RFC 9420 §7.2).
    public func supports(proposal type: ProposalType) -> Bool {
        type.isDefault || proposals.contains(type)
    }

    /// Whether credentials of `type` are supported (no credential type is a default one).
    public func supports(credential type: CredentialType) -> Bool {
        credentials.contains(type)
    }
}
