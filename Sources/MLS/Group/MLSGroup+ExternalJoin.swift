import WireFormat

extension MLSGroup {
    /// Joins a group by external Commit (RFC 9420 §12.4.3.2) from its GroupInfo: validates the
    /// tree (from the `ratchet_tree` extension or `ratchetTree`) and the GroupInfo signature as a
    /// Welcome joiner would, derives the init secret by HPKE export to `external_pub`, takes the
    /// leftmost blank leaf (after removing `resyncing`, an old leaf of ours, if given), and
    /// builds the Commit with its ExternalInit and a path.
    ///
    /// Returns the group already in the new epoch and the Commit to send. If the Delivery
    /// Service refuses the Commit (another Commit won the epoch), drop the returned group and
    /// join again from the newer GroupInfo.
    ///
    /// - Parameters:
    ///   - leafTemplate: our leaf's credential, capabilities, extensions and signature key; its
    ///     encryption key, source and signature are replaced.
    public static func joinExternally(
        groupInfo: GroupInfo, ratchetTree: RatchetTreeIn? = nil, leafTemplate: LeafNode, signer: SignaturePrivateKey,
        resyncing: UInt32? = nil, configuration: Configuration
    ) throws(MLSGroupError) -> (group: MLSGroup, commit: MLSMessage) {
        let context = groupInfo.groupContext
        let crypto: CryptoSuite
        do {
            crypto = try context.cipherSuite.crypto()
        } catch {
            throw .crypto(error)
        }
        guard signer.publicKey == leafTemplate.signatureKey else { throw .privateKeyMismatch }
        guard context.epoch < UInt64.max else { throw .epochExhausted }
        var tree = try validatedTree(groupInfo: groupInfo, outOfBand: ratchetTree, crypto: crypto, configuration: configuration)
        guard let data = groupInfo.extensions.first(ofType: .externalPub)?.extensionData else { throw .missingExternalPub }
        let externalPub: ExternalPub
        do {
            externalPub = try ExternalPub(wireBytes: data)
        } catch {
            throw .malformed(error)
        }

        // init_secret from the HPKE export (§8.3).
        let kemOutput: [UInt8]
        let initSecret: Secret
        do {
            let sender = try crypto.setupBaseS(publicKey: externalPub.externalPub, info: [])
            kemOutput = sender.kemOutput
            initSecret = try sender.export(context: Array("MLS 1.0 external init secret".utf8), length: crypto.hashLength)
        } catch {
            throw .crypto(error)
        }

        var proposals: [ProposalOrRef] = [.proposal(.externalInit(ExternalInit(kemOutput: kemOutput)))]
        if let resyncing {
            guard tree.leaf(at: resyncing) != nil else { throw .removesBlankLeaf }
            proposals.append(.proposal(.remove(Remove(removed: resyncing))))
            do {
                try tree.remove(leafAt: resyncing)
            } catch {
                throw .tree(error)
            }
        }
        // Our leaf: the leftmost blank one; the placeholder is replaced by the path's leaf.
        let ourLeaf = tree.add(leafTemplate)
        var provisional = context
        provisional.epoch += 1
        let base = provisional
        let groupID = context.groupID
        let created: CreatedUpdatePath
        do {
            created = try tree.createUpdatePath(
                from: ourLeaf, leafSecret: configuration.random.randomSecret(count: crypto.hashLength),
                signLeaf: { (parentHash, encryptionKey) throws(MLSCryptoError) -> LeafNode in
                    var leaf = leafTemplate
                    leaf.encryptionKey = encryptionKey
                    leaf.source = .commit(parentHash: parentHash)
                    leaf.signature = try crypto.signWithLabel(
                        privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: groupID, leafIndex: ourLeaf))
                    return leaf
                },
                groupContext: { treeHash in
                    var context = base
                    context.treeHash = treeHash
                    return context.wireBytes
                })
        } catch {
            throw .treeKEM(error)
        }

        let content = FramedContent(
            groupID: groupID, epoch: context.epoch, sender: .newMemberCommit, authenticatedData: [],
            body: .commit(Commit(proposals: proposals, path: created.updatePath)))
        let tbs = MessageProtection(crypto: crypto, groupContext: context).framedContentTBS(content, wireFormat: .publicMessage)
        let signature: [UInt8]
        do {
            signature = try crypto.signWithLabel(privateKey: signer, label: "FramedContentTBS", content: tbs)
        } catch {
            throw .crypto(error)
        }
        // The interim transcript hash of the GroupInfo's epoch, from its confirmation tag.
        let interim = TranscriptHashes.interim(crypto: crypto, confirmed: context.confirmedTranscriptHash, confirmationTag: groupInfo.confirmationTag)
        var newContext = provisional
        newContext.treeHash = tree.treeHash()
        newContext.confirmedTranscriptHash = TranscriptHashes.confirmed(
            crypto: crypto, interimBefore: interim,
            confirmedInput: TranscriptHashes.confirmedInput(
                of: AuthenticatedContent(
                    wireFormat: .publicMessage, content: content, auth: FramedContentAuthData(signature: signature, confirmationTag: nil))))
        let next = try nextEpoch(
            crypto: crypto, configuration: configuration, context: newContext, tree: tree, privateState: created.privateState,
            initSecret: initSecret, commitSecret: created.commitSecret, pskSecret: nil, confirmationTag: nil)
        let message = MLSMessage(
            .publicMessage(
                PublicMessage(content: content, auth: FramedContentAuthData(signature: signature, confirmationTag: next.tag), membershipTag: nil)))
        return (MLSGroup(crypto: crypto, signer: signer, epoch: next.state, configuration: configuration), message)
    }
}
