import WireFormat

extension MLSGroup {
    /// Sends an Update proposal for this member's leaf (RFC 9420 §12.1.2): a new LeafNode with
    /// source `update` and a fresh HPKE encryption key, signed for this group and leaf, as a
    /// PublicMessage or, when `encrypted`, a PrivateMessage. The proposal is cached like any
    /// other, so a Commit of ours would cover it by reference (and drop it: a committer cannot
    /// commit its own Update, §12.2; it updates through the Commit's path instead).
    ///
    /// The new private key is kept pending: until another member's Commit that includes this
    /// Update is processed, the group keeps using the current leaf key. Processing such a
    /// Commit installs the new key (before the Commit's path is decrypted, which may be
    /// encrypted to it); any change of epoch drops the pending keys of Updates that were not
    /// committed (§12.1.2: the sender keeps the key "until the Commit is processed"). Several
    /// Updates may be sent in one epoch; a committer picks the latest (§12.2).
    ///
    /// - Throws: ``MLSGroupError/groupInactive`` unless the group is active,
    ///   ``MLSGroupError/pendingCommitExists`` while a Commit of ours awaits the Delivery
    ///   Service's answer (its epoch would not carry this Update), ``MLSGroupError/proposalCacheFull``,
    ///   and the validation errors a receiver would raise for the new leaf.
    public mutating func proposeUpdate(encrypted: Bool = false) throws(MLSGroupError) -> MLSMessage {
        try requireActive()
        guard pendingCommit == nil else { throw .pendingCommitExists }
        guard proposalCache.proposals.count < configuration.maximumCachedProposals else { throw .proposalCacheFull }
        let ourLeaf = epoch.ourLeaf
        guard let current = epoch.tree.leaf(at: ourLeaf) else { throw .ourLeafNotFound }

        // The fresh key comes from the injected generator, like a Commit's leaf secret.
        let newKey: HPKEPrivateKey
        var leaf = current
        do {
            newKey = try crypto.deriveKeyPair(ikm: configuration.random.randomSecret(count: crypto.hashLength))
            leaf.encryptionKey = newKey.publicKey
            leaf.source = .update
            leaf.signature = try crypto.signWithLabel(
                privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: groupID, leafIndex: ourLeaf))
        } catch {
            throw .crypto(error)
        }
        // A key already in the tree (vanishingly unlikely for a fresh one) would make every
        // Commit covering the Update invalid (§7.3): refuse it now rather than send it.
        if epoch.tree.nodes.contains(where: { $0?.encryptionKey == leaf.encryptionKey }) { throw .duplicateEncryptionKey }

        let proposal = Proposal.update(Update(leafNode: leaf))
        let message = try sendProposal(proposal, encrypted: encrypted)
        pendingUpdateKeys[leaf.encryptionKey] = newKey
        return message
    }

    /// Whether an Update of ours awaits a Commit (its private key is held pending).
    public var hasPendingUpdate: Bool { !pendingUpdateKeys.isEmpty }

    /// For a Commit that applied an Update of our leaf: the pending private key of the new
    /// leaf's encryption key, installed into `privateState`.
    /// - Throws: ``MLSGroupError/privateKeyMismatch`` when we sent no Update with that key (the
    ///   group could not decrypt anything encrypted to its own leaf afterwards).
    func installPendingUpdateKey(in privateState: inout TreeKEMPrivateState, tree: RatchetTree) throws(MLSGroupError) {
        guard let leaf = tree.leaf(at: privateState.leafIndex), let key = pendingUpdateKeys[leaf.encryptionKey] else {
            throw .privateKeyMismatch
        }
        privateState.leafKey = key
    }
}
