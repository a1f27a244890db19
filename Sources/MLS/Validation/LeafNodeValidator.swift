import WireFormat

/// Validates LeafNodes (RFC 9420 §7.3) wherever they enter a group: in a KeyPackage, an
/// Update, a Commit's path, or a ratchet tree being joined.
///
/// The checks that compare a leaf with every other member (credential types supported by
/// all, unique keys) use ``GroupRequirements`` summarised once per tree, so validating every
/// leaf of an n-member tree costs O(n), not O(n²).
public struct LeafNodeValidator: Sendable {
    /// Where a leaf node appears, which fixes the `leaf_node_source` it must have and the
    /// group binding of its signature.
    public enum Context: Sendable {
        /// In a KeyPackage: source `key_package`; the lifetime is checked against the clock.
        case keyPackage
        /// In an Update proposal from `leafIndex`: source `update`, and a new encryption key.
        case update(groupID: [UInt8], leafIndex: UInt32, replacing: LeafNode)
        /// In the UpdatePath of a Commit from `leafIndex`: source `commit`, and a new encryption
        /// key when it replaces a leaf (not for an external joiner).
        case commit(groupID: [UInt8], leafIndex: UInt32, replacing: LeafNode?)
        /// A leaf of a ratchet tree being joined: any source; the signature is bound to the
        /// group for `update` and `commit` leaves. A `key_package` leaf's lifetime must be well
        /// formed and within the maximum, but may have expired (RFC 9420 §7.3).
        case tree(groupID: [UInt8], leafIndex: UInt32)

        /// Whether a lifetime in this context must contain the current time: only for a
        /// KeyPackage being used to add its owner.
        var checksLifetimeAgainstClock: Bool {
            if case .keyPackage = self { return true }
            return false
        }
    }

    public var crypto: CryptoSuite
    public var credentialValidator: any CredentialValidator
    public var lifetimePolicy: LifetimePolicy

    public init(crypto: CryptoSuite, credentialValidator: any CredentialValidator, lifetimePolicy: LifetimePolicy) {
        self.crypto = crypto
        self.credentialValidator = credentialValidator
        self.lifetimePolicy = lifetimePolicy
    }

    /// Checks `leaf` in `context` against the group's `requirements` (RFC 9420 §7.3). Key
    /// uniqueness among members is the caller's check (it needs the whole tree).
    public func validate(_ leaf: LeafNode, in context: Context, requirements: GroupRequirements) throws(LeafNodeValidationError) {
        // Source, and what it implies.
        let groupID: [UInt8]
        let leafIndex: UInt32
        switch context {
        case .keyPackage:
            guard case .keyPackage = leaf.source else { throw .wrongSource }
            (groupID, leafIndex) = ([], 0)
        case .update(let id, let index, let replaced):
            guard case .update = leaf.source else { throw .wrongSource }
            guard leaf.encryptionKey != replaced.encryptionKey else { throw .encryptionKeyUnchanged }
            (groupID, leafIndex) = (id, index)
        case .commit(let id, let index, let replaced):
            guard case .commit = leaf.source else { throw .wrongSource }
            if let replaced, leaf.encryptionKey == replaced.encryptionKey { throw .encryptionKeyUnchanged }
            (groupID, leafIndex) = (id, index)
        case .tree(let id, let index):
            (groupID, leafIndex) = (id, index)
        }

        // Lifetime: only key_package leaves carry one. The clock is checked where a KeyPackage
        // is about to add its owner (RFC 9420 §10.1, §12.1.1). A leaf already in a tree keeps its
        // key_package source and lifetime until its owner updates or commits, so that check is
        // only RECOMMENDED on received trees (§7.3); §12.4.3.1 validates every leaf on join, and
        // enforcing the clock there would make a group with one idle member unjoinable once that
        // member's KeyPackage expires. Tree leaves get the time-independent checks only.
        if let lifetime = leaf.lifetime, !lifetimePolicy.accepts(lifetime, atCurrentTime: context.checksLifetimeAgainstClock) {
            throw .lifetime
        }

        // A credential type we cannot validate is decoded (so the tree around it decodes) but never
        // accepted (review L9).
        if case .unknown = leaf.credential { throw .unsupportedCredentialType }

        // Capabilities must cover the leaf's own extensions and credential type.
        for e in leaf.extensions where !leaf.capabilities.supports(extension: e.extensionType) {
            throw .extensionNotInCapabilities
        }
        guard leaf.capabilities.supports(credential: leaf.credential.credentialType) else { throw .credentialTypeNotInCapabilities }

        // Compatibility with the group.
        if let required = requirements.requiredCapabilities, !required.isSatisfied(by: leaf.capabilities) {
            throw .requiredCapabilities
        }
        if let supported = requirements.credentialTypesSupportedByAll, !supported.contains(leaf.credential.credentialType) {
            throw .credentialTypeNotSupportedByGroup
        }
        for type in requirements.credentialTypesInUse where !leaf.capabilities.supports(credential: type) {
            throw .groupCredentialTypeNotSupported
        }

        // The HPKE key must decode with the suite's KEM (review M3): otherwise every later path
        // encryption to this leaf fails.
        guard crypto.isValidHPKEPublicKey(leaf.encryptionKey) else { throw .invalidEncryptionKey }

        // The signature, then the Authentication Service (the most expensive checks last).
        let tbs = leaf.toBeSigned(groupID: groupID, leafIndex: leafIndex)
        guard crypto.verifyWithLabel(publicKey: leaf.signatureKey, label: "LeafNodeTBS", content: tbs, signature: leaf.signature) else {
            throw .badSignature
        }
        do {
            try credentialValidator.validate(leaf.credential, signatureKey: leaf.signatureKey)
        } catch {
            throw .credentialRejected(error)
        }
    }
}
