import WireFormat

extension KeyPackageIn {
    /// Validates the KeyPackage for a group using the validator's cipher suite (RFC 9420 §10.1): version and
    /// suite match, the leaf node is valid for a KeyPackage (source, lifetime, capabilities,
    /// signature, credential), the KeyPackage signature verifies with the leaf's signature key,
    /// and `init_key` differs from the leaf's encryption key.
    ///
    /// - Parameter requirements: the group's requirements, or ``GroupRequirements/none`` for
    ///   a KeyPackage checked on its own (e.g. when downloaded). Required, with no default (review
    ///   L7): validating an Add without the group's requirements would skip
    ///   `required_capabilities` and the credential-type checks.
    public func validate(
        validator: LeafNodeValidator,
        requirements: GroupRequirements
    ) throws(KeyPackageValidationError) -> KeyPackage {
        guard version == .mls10 else { throw .version }
        let crypto = validator.crypto
        guard cipherSuite == crypto.cipherSuite else { throw .cipherSuite }
        guard initKey != leafNode.encryptionKey else { throw .initKeyEqualsEncryptionKey }
        guard crypto.isValidHPKEPublicKey(initKey) else { throw .invalidInitKey }
        // RFC 9420 §10: the KeyPackage's own extensions must be listed in the leaf's capabilities too.
        for e in extensions where !leafNode.capabilities.supports(extension: e.extensionType) {
            throw .extensionNotInCapabilities
        }
        do {
            try validator.validate(leafNode, in: .keyPackage, requirements: requirements)
        } catch {
            throw .leafNode(error)
        }
        guard crypto.verifyWithLabel(publicKey: leafNode.signatureKey, label: "KeyPackageTBS", content: toBeSigned, signature: signature) else {
            throw .badSignature
        }
        return KeyPackage(validated: self, reference: crypto.refHash(label: "MLS 1.0 KeyPackage Reference", value: wireBytes))
    }
}
