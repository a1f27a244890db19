extension MLSGroup {
    /// Creates a group with this client as its only member, at leaf 0 of epoch 0 (RFC 9420 §11):
    /// a one-leaf tree, an empty confirmed transcript hash, a fresh random `init_secret` and an
    /// all-zero commit secret, the confirmation tag computed over the empty transcript.
    ///
    /// - Parameters:
    ///   - leafNode: our leaf (for example our KeyPackage's), validated like a KeyPackage leaf.
    ///   - encryptionKey: the private key of `leafNode.encryptionKey`.
    ///   - signer: the private key of `leafNode.signatureKey`.
    ///   - extensions: the GroupContext extensions (every one must be in our capabilities).
    public init(
        creating groupID: [UInt8], cipherSuite: CipherSuite, leafNode: LeafNode, encryptionKey: HPKEPrivateKey, signer: SignaturePrivateKey,
        extensions: [Extension] = [], configuration: Configuration
    ) throws(MLSGroupError) {
        let crypto: CryptoSuite
        do {
            crypto = try cipherSuite.crypto()
        } catch {
            throw .crypto(error)
        }
        guard encryptionKey.publicKey == leafNode.encryptionKey, signer.publicKey == leafNode.signatureKey else { throw .privateKeyMismatch }
        for e in extensions where !leafNode.capabilities.supports(extension: e.extensionType) { throw .extensionNotSupportedByMembers }
        do {
            let requirements = try GroupRequirements(groupContextExtensions: extensions, leaves: [])
            try configuration.leafValidator(crypto).validate(leafNode, in: .keyPackage, requirements: requirements)
        } catch let error as LeafNodeValidationError {
            throw .invalidLeafNode(error)
        } catch {
            throw .malformedGroupContextExtension
        }
        var tree = RatchetTree(crypto: crypto, creator: leafNode)
        let context = GroupContext(
            cipherSuite: cipherSuite, groupID: groupID, epoch: 0, treeHash: tree.treeHash(), confirmedTranscriptHash: [], extensions: extensions)
        let next = try Self.nextEpoch(
            crypto: crypto, configuration: configuration, context: context, tree: tree,
            privateState: TreeKEMPrivateState(leafIndex: 0, leafKey: encryptionKey),
            initSecret: configuration.random.randomSecret(count: crypto.hashLength), commitSecret: Secret(zeros: crypto.hashLength),
            pskSecret: nil, confirmationTag: nil)
        self.init(crypto: crypto, signer: signer, epoch: next.state, configuration: configuration)
    }
}
