import WireFormat

extension MLSGroup {
    /// Creates a Commit (RFC 9420 §12.4.1) covering the pending proposals (by reference) and
    /// those `options` asks for (by value), with an UpdatePath when required or asked for, and
    /// the Welcome for added members (§12.4.3). The proposal list is validated as a receiver
    /// would (§12.2), each KeyPackage included.
    ///
    /// Pending proposals that are invalid together with the rest are left out and reported in
    /// ``CreatedCommit/droppedProposals`` (§12.4).
    ///
    /// The group does not move: the new epoch is kept as the pending Commit. When the Delivery
    /// Service accepts the Commit, call ``mergePendingCommit()`` (which returns the Welcome to
    /// send); when it answers with a
    /// conflict (another Commit won the epoch), call ``discardPendingCommit()`` (or just process
    /// the winning Commit, which discards ours), then commit again in the new epoch.
    public mutating func commit(_ options: CommitOptions = CommitOptions()) throws(MLSGroupError) -> CreatedCommit {
        try requireActive()
        guard pendingCommit == nil else { throw .pendingCommitExists }
        let ourLeaf = epoch.ourLeaf
        let us = Sender.member(leafIndex: ourLeaf)

        guard epoch.groupContext.epoch < UInt64.max else { throw .epochExhausted }

        // Ours by value: the caller asked for them, so they must be valid as they are.
        var byValue: [Proposal] = []
        if let extensions = options.groupContextExtensions { byValue.append(.groupContextExtensions(GroupContextExtensions(extensions: extensions))) }
        byValue += options.removing.map { .remove(Remove(removed: $0)) }
        byValue += options.adding.map { .add(Add(keyPackage: $0)) }
        byValue += options.psks.map { .preSharedKey(PreSharedKey(psk: $0)) }
        let ownList = byValue.map { ResolvedProposal(proposal: $0, sender: us) }
        // L3: joiners cannot know this group's resumption PSKs.
        if !options.adding.isEmpty, options.psks.contains(where: { $0.isResumption(of: groupID) && $0 != resumptionLink?.id }) {
            throw .resumptionPSKWithAdds
        }

        // The received ones by reference, less those that are invalid or conflict (§12.2, §12.4).
        var dropped: [DroppedProposal] = []
        let cached = options.includePendingProposals ? selectPendingProposals(adding: ownList, committer: ourLeaf, dropped: &dropped) : []
        let list = cached.map { ResolvedProposal(proposal: $0.proposal, sender: $0.sender) } + ownList
        let proposals = cached.map { ProposalOrRef.reference($0.reference) } + byValue.map { ProposalOrRef.proposal($0) }

        try validateProposalList(list, committer: .member(ourLeaf))
        var applied = try applyProposals(list, committer: .member(ourLeaf))
        let pskInputs = try resolvePSKs(applied.psks)
        let excluded = applied.addedLeaves

        var provisional = epoch.groupContext
        provisional.epoch += 1
        provisional.extensions = applied.extensions
        var privateState = epoch.privateState
        let commitSecret: Secret
        var path: UpdatePath?
        var pathSecrets: [(node: Int, secret: Secret)] = []
        if applied.pathRequired || options.includePath {
            guard let oldLeaf = applied.tree.leaf(at: ourLeaf) else { throw .removesCommitter }
            let crypto = crypto, signer = signer, groupID = groupID
            let base = provisional
            do {
                let created = try applied.tree.createUpdatePath(
                    from: ourLeaf, leafSecret: configuration.random.randomSecret(count: crypto.hashLength), excludingLeaves: excluded,
                    signLeaf: { (parentHash, encryptionKey) throws(MLSCryptoError) -> LeafNode in
                        var leaf = oldLeaf
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
                path = created.updatePath
                pathSecrets = created.pathSecrets
                privateState = created.privateState
                commitSecret = created.commitSecret
            } catch {
                throw .treeKEM(error)
            }
            try checkSignatureKeyUnique(ofLeaf: ourLeaf, in: applied.tree, previousKey: oldLeaf.signatureKey)
        } else {
            privateState.prune(to: applied.tree)
            commitSecret = Secret(zeros: crypto.hashLength)
        }

        // Sign, then the transcript hash, the key schedule and the confirmation tag.
        let wireFormat: MLSWireFormat = options.encrypted ? .privateMessage : .publicMessage
        let content = FramedContent(
            groupID: groupID, epoch: epochNumber, sender: us, authenticatedData: options.authenticatedData,
            body: .commit(Commit(proposals: proposals, path: path)))
        let (tbs, signature) = try sign(content, wireFormat: wireFormat, in: epoch)
        var newContext = provisional
        newContext.treeHash = applied.tree.treeHash()
        newContext.confirmedTranscriptHash = TranscriptHashes.confirmed(
            crypto: crypto, interimBefore: epoch.interimTranscriptHash,
            confirmedInput: TranscriptHashes.confirmedInput(
                of: AuthenticatedContent(wireFormat: wireFormat, content: content, auth: FramedContentAuthData(signature: signature, confirmationTag: nil))))
        let next = try nextEpoch(
            context: newContext, tree: applied.tree, privateState: privateState, initSecret: epoch.keys.initSecret,
            commitSecret: commitSecret, pskSecret: try pskSecret(pskInputs), confirmationTag: nil)
        let auth = FramedContentAuthData(signature: signature, confirmationTag: next.tag)

        // The Welcome for the added members (§12.4.3.1).
        var welcome: MLSMessage?
        if !applied.added.isEmpty {
            let groupInfo = try signedGroupInfo(
                for: next.state, confirmationTag: next.tag, includeRatchetTree: options.ratchetTreeInWelcome, includeExternalPub: false)
            welcome = MLSMessage(
                .welcome(
                    try makeWelcome(
                        groupInfo: groupInfo, joinerSecret: next.joinerSecret, welcomeSecret: next.welcomeSecret, psks: applied.psks,
                        added: applied.added.map { ($0.member.leafIndex, $0.keyPackage) }, pathSecrets: pathSecrets, committer: ourLeaf)))
        }

        let message = try seal(content, tbs: tbs, auth: auth, wireFormat: wireFormat)
        let summary = CommitSummary(
            committer: ourLeaf, epoch: newContext.epoch, added: applied.added.map(\.member), removed: applied.removed, updated: applied.updated,
            hadPath: path != nil, isExternalJoin: false, newExtensions: applied.extensionsReplaced ? applied.extensions : nil, psks: applied.psks,
            reInit: applied.reInit, removedUs: false)
        pendingCommit = PendingCommit(message: message, next: next.state, summary: summary, reInit: applied.reInit, welcome: welcome)
        return CreatedCommit(commit: message, welcome: welcome, summary: summary, droppedProposals: dropped)
    }

    /// A self-update: a Commit with no proposals of its own and a fresh path (§12.4.1).
    public mutating func selfUpdate(encrypted: Bool = false) throws(MLSGroupError) -> CreatedCommit {
        try commit(CommitOptions(includePendingProposals: false, includePath: true, encrypted: encrypted))
    }

    /// Applies our pending Commit once the Delivery Service accepted it: the group moves to
    /// the new epoch. The summary carries the Welcome for the added members
    /// (``CommitSummary/welcome``): send it now, not before (review L6).
    @discardableResult
    public mutating func mergePendingCommit() throws(MLSGroupError) -> CommitSummary {
        guard let pending = pendingCommit else { throw .noPendingCommit }
        install(pending.next)
        if let reInit = pending.reInit { status = .reinitialized(reInit) }
        var summary = pending.summary
        summary.welcome = pending.welcome
        return summary
    }

    /// Drops our pending Commit after the Delivery Service refused it (a conflict): the group
    /// stays in its epoch, with the proposals it had received.
    public mutating func discardPendingCommit() {
        pendingCommit = nil
    }

    /// Our pending Commit as it was sent (nil when none is pending). After a restart, send it
    /// again to the same recipients: the Delivery Service accepts the very same Commit again
    /// (then ``mergePendingCommit()``) or answers that another Commit won the epoch (then
    /// ``discardPendingCommit()``).
    public var pendingCommitMessage: MLSMessage? { pendingCommit?.message }

    /// Whether `message` is our pending Commit coming back from the Delivery Service (its
    /// bytes are those we sent): seeing it in the epoch's order means the Commit won the
    /// epoch, so the caller merges it. ``process(_:)`` refuses it with ``MLSGroupError/ownCommit``.
    public func isPendingCommit(_ message: MLSMessage) -> Bool {
        guard let pending = pendingCommit else { return false }
        return pending.message == message
    }

    /// The GroupInfo of `state` signed by this member (§12.4.3), with the `ratchet_tree` and
    /// `external_pub` extensions as asked.
    func signedGroupInfo(
        for state: EpochState, confirmationTag: [UInt8], includeRatchetTree: Bool, includeExternalPub: Bool
    ) throws(MLSGroupError) -> GroupInfo {
        var extensions: [Extension] = []
        if includeRatchetTree { extensions.append(Extension(extensionType: .ratchetTree, extensionData: state.tree.wireValue.wireBytes)) }
        if includeExternalPub {
            do {
                let key = try crypto.deriveKeyPair(ikm: state.keys.externalSecret)
                extensions.append(Extension(extensionType: .externalPub, extensionData: ExternalPub(externalPub: key.publicKey).wireBytes))
            } catch {
                throw .crypto(error)
            }
        }
        var groupInfo = GroupInfo(
            groupContext: state.groupContext, extensions: extensions, confirmationTag: confirmationTag, signer: state.ourLeaf, signature: [])
        do {
            groupInfo.signature = try crypto.signWithLabel(privateKey: signer, label: "GroupInfoTBS", content: groupInfo.toBeSigned)
        } catch {
            throw .crypto(error)
        }
        return groupInfo
    }

    /// The current epoch's GroupInfo, signed by this member, for external joiners (§12.4.3.2):
    /// with `external_pub` and, unless the tree is served otherwise, `ratchet_tree`. The
    /// confirmation tag is recomputed as `MAC(confirmation_key, confirmed_transcript_hash)`.
    public func groupInfo(includeRatchetTree: Bool = true) throws(MLSGroupError) -> GroupInfo {
        try requireActive()
        let tag = crypto.mac(key: epoch.keys.confirmationKey, data: epoch.groupContext.confirmedTranscriptHash)
        return try signedGroupInfo(for: epoch, confirmationTag: tag, includeRatchetTree: includeRatchetTree, includeExternalPub: true)
    }

    /// Encrypts the GroupInfo under the welcome key and nonce, and each new member's
    /// GroupSecrets (joiner secret, the path secret of the lowest common ancestor with the
    /// committer, the PSK IDs) to its init key: `EncryptWithLabel(init_key, "Welcome",
    /// encrypted_group_info, group_secrets)` (§12.4.3.1).
    func makeWelcome(
        groupInfo: GroupInfo, joinerSecret: Secret, welcomeSecret: Secret, psks: [PreSharedKeyID], added: [(UInt32, KeyPackage)],
        pathSecrets: [(node: Int, secret: Secret)], committer: UInt32
    ) throws(MLSGroupError) -> Welcome {
        do {
            let (key, nonce) = try KeySchedule.welcomeKeyAndNonce(crypto: crypto, welcomeSecret: welcomeSecret)
            let encryptedGroupInfo = try crypto.seal(key: key, nonce: nonce.exportedBytes, aad: [], plaintext: groupInfo.wireBytes)
            let crypto = crypto
            let outcomes = parallelMap(count: added.count) { i -> Result<EncryptedGroupSecrets, MLSCryptoError> in
                let (leaf, keyPackage) = added[i]
                let leafNode = Int(leaf) * 2
                let pathSecret = pathSecrets.first { TreeArray.isInSubtree(leafNode, of: $0.node) }?.secret
                let groupSecrets = GroupSecrets(joinerSecret: joinerSecret, pathSecret: pathSecret, psks: psks)
                return Result { () throws(MLSCryptoError) -> EncryptedGroupSecrets in
                    let sealed = try crypto.encryptWithLabel(
                        publicKey: keyPackage.initKey, label: "Welcome", context: encryptedGroupInfo, plaintext: groupSecrets.wireBytes)
                    return EncryptedGroupSecrets(
                        newMember: keyPackage.reference, encryptedGroupSecrets: HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))
                }
            }
            var secrets: [EncryptedGroupSecrets] = []
            secrets.reserveCapacity(added.count)
            for outcome in outcomes { secrets.append(try outcome.get()) }
            return Welcome(cipherSuite: crypto.cipherSuite, secrets: secrets, encryptedGroupInfo: encryptedGroupInfo)
        } catch {
            throw .crypto(error)
        }
    }
}

extension PreSharedKeyID {
    /// Whether this is a resumption PSK of group `groupID`.
    func isResumption(of groupID: [UInt8]) -> Bool {
        if case .resumption(_, let pskGroupID, _) = kind { return pskGroupID == groupID }
        return false
    }
}
