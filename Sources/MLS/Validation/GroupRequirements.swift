public import WireFormat

/// What a group requires of a leaf, summarised once from the GroupContext and the tree so
/// that validating each leaf is O(1) in the group size (RFC 9420 §7.3, §11.1, §13.3).
public struct GroupRequirements: Sendable {
    /// The GroupContext's `required_capabilities`, if any.
    public var requiredCapabilities: RequiredCapabilities?
    /// Credential types every member's capabilities list (`nil`: no members yet, no constraint).
    public var credentialTypesSupportedByAll: Set<CredentialType>?
    /// Credential types some member uses.
    public var credentialTypesInUse: Set<CredentialType>
    /// The types of the GroupContext's extensions: every member must support each (§13.4).
    public var groupContextExtensionTypes: [ExtensionType] = []

    /// No requirements: for a KeyPackage checked on its own.
    public static let none = GroupRequirements(requiredCapabilities: nil, credentialTypesSupportedByAll: nil, credentialTypesInUse: [])

    public init(requiredCapabilities: RequiredCapabilities?, credentialTypesSupportedByAll: Set<CredentialType>?, credentialTypesInUse: Set<CredentialType>) {
        self.requiredCapabilities = requiredCapabilities
        self.credentialTypesSupportedByAll = credentialTypesSupportedByAll
        self.credentialTypesInUse = credentialTypesInUse
    }

    /// The requirements of a group with `extensions` in its GroupContext whose members are the
    /// non-blank leaves of `leaves`. O(n) in the number of leaves.
    ///
    /// - Throws: when the `required_capabilities` extension does not decode.
    public init(groupContextExtensions extensions: [Extension], leaves: some Sequence<LeafNode>) throws(WireFormatError) {
        try self.init(
            groupContextExtensions: extensions, credentials: leaves.lazy.map { ($0.credential.credentialType, $0.capabilities.credentials) })
    }

    /// The same from each member's credential type and its capabilities' `credentials` list:
    /// for callers that read them in place (a ratchet tree's nodes) instead of copying every
    /// LeafNode.
    init(
        groupContextExtensions extensions: [Extension], credentials: some Sequence<(inUse: CredentialType, supported: [CredentialType])>
    ) throws(WireFormatError) {
        if let data = extensions.first(ofType: .requiredCapabilities)?.extensionData {
            requiredCapabilities = try RequiredCapabilities(wireBytes: data)
        } else {
            requiredCapabilities = nil
        }
        var supportedByAll: Set<CredentialType>?
        var inUse = Set<CredentialType>()
        // Members mostly list the same credential types: a list equal to the previous leaf's
        // changes nothing, so no set is built for it (a Commit in a large group pays O(n)
        // array comparisons, not O(n) set allocations).
        var previous: [CredentialType]?
        for (type, credentials) in credentials {
            inUse.insert(type)
            if credentials == previous { continue }
            previous = credentials
            let supported = Set(credentials)
            supportedByAll = supportedByAll.map { $0.intersection(supported) } ?? supported
        }
        credentialTypesSupportedByAll = supportedByAll
        credentialTypesInUse = inUse
        groupContextExtensionTypes = extensions.map(\.extensionType)
    }
}
