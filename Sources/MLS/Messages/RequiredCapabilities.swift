import WireFormat

/// The `required_capabilities` GroupContext extension (RFC 9420 §11.1): what every member
/// must support.
public struct RequiredCapabilities: Hashable, Sendable {
    public var extensionTypes: [ExtensionType]
    public var proposalTypes: [ProposalType]
    public var credentialTypes: [CredentialType]

    public init(extensionTypes: [ExtensionType] = [], proposalTypes: [ProposalType] = [], credentialTypes: [CredentialType] = []) {
        self.extensionTypes = extensionTypes
        self.proposalTypes = proposalTypes
        self.credentialTypes = credentialTypes
    }

    /// Whether `capabilities` lists everything required (default types need not be listed).
    public func isSatisfied(by capabilities: Capabilities) -> Bool {
        extensionTypes.allSatisfy(capabilities.supports(extension:))
            && proposalTypes.allSatisfy(capabilities.supports(proposal:))
            && credentialTypes.allSatisfy(capabilities.supports(credential:))
    }
}
