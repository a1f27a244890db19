import WireFormat

extension MLSGroup {
    /// Processes a Commit whose framing was verified (RFC 9420 §12.4.2): resolves the proposals
    /// (by reference from this epoch's cache), validates the list (§12.2), applies it (§12.3),
    /// requires a path where the RFC does, validates and merges the path (§7.5, leaf, parent
    /// hashes, key uniqueness), decrypts it, updates the transcript hashes, runs the key
    /// schedule with the PSKs and, for an external Commit, the ExternalInit's init secret, and
    /// verifies the confirmation tag. Only then is the new epoch installed.
    ///
    /// An external Commit is first put to the group's ``GroupPolicy`` (a join, or a resync whose
    /// leaf must be a valid Update of the removed leaf, §12.2).
    ///
    /// A Commit that removes this member is checked as far as a removed member can: everything
    /// above except the path decryption, the key schedule and the confirmation tag, which need
    /// the new epoch's secrets (§12.4.2). Since those last checks cannot be made, the removal
    /// is not final: the group becomes ``Status/removalUnconfirmed`` and keeps its epoch until
    /// the application confirms it (``confirmRemoval()``) or another Commit of the epoch is
    /// processed.
    mutating func processCommit(_ content: AuthenticatedContent, commit: Commit) throws(MLSGroupError) -> CommitSummary {
        let committer: Committer
        switch content.content.sender {
        case .member(let leaf):
            guard leaf != epoch.ourLeaf else { throw .ownCommit }
            committer = .member(leaf)
        case .newMemberCommit:
            committer = .external
        case .external, .newMemberProposal:
            throw .senderCannotCommit
        }
        guard let confirmationTag = content.auth.confirmationTag else { throw .protection(.confirmationTagMismatch) }
        guard epoch.groupContext.epoch < UInt64.max else { throw .epochExhausted }

        // Resolve the proposals (§12.4: by value from the committer, by reference from the cache).
        var list: [ResolvedProposal] = []
        list.reserveCapacity(commit.proposals.count)
        for item in commit.proposals {
            switch item {
            case .proposal(let proposal):
                list.append(ResolvedProposal(proposal: proposal, sender: content.content.sender))
            case .reference(let reference):
                guard committer != .external else { throw .proposalByReferenceInExternalCommit }
                guard let cached = proposalCache[reference] else { throw .unknownProposalReference }
                list.append(ResolvedProposal(proposal: cached.proposal, sender: cached.sender))
            }
        }
        try validateProposalList(list, committer: committer)
        var applied = try applyProposals(list, committer: committer)
        let pskInputs = try resolvePSKs(applied.psks)
        if applied.pathRequired, commit.path == nil { throw .pathRequired }

        var summary = CommitSummary(
            committer: 0, epoch: epoch.groupContext.epoch + 1, added: applied.added.map(\.member), removed: applied.removed,
            updated: applied.updated, hadPath: commit.path != nil, isExternalJoin: committer == .external,
            newExtensions: applied.extensionsReplaced ? applied.extensions : nil, psks: applied.psks, reInit: applied.reInit,
            removedUs: applied.removed.contains { $0.leafIndex == epoch.ourLeaf })

        // The committer's leaf: its own, or the leftmost blank leaf for an external joiner. The
        // leaf it replaces: its own old leaf, or for a resync the removed member's (§12.2: the
        // path's leaf must meet the criteria of an Update of the removed leaf).
        let committerLeaf: UInt32
        let replacing: LeafNode?
        switch committer {
        case .member(let leaf):
            committerLeaf = leaf
            replacing = epoch.tree.leaf(at: leaf)
        case .external:
            guard let path = commit.path else { throw .invalidExternalCommit }
            if let removed = applied.removed.first {
                replacing = epoch.tree.leaf(at: removed.leafIndex)
            } else {
                replacing = nil
                guard configuration.policy.authorizes(.externalJoin(leaf: path.leafNode), groupContext: epoch.groupContext) else {
                    throw .notAuthorized
                }
            }
            committerLeaf = applied.tree.add(path.leafNode)
        }
        summary.committer = committerLeaf

        var provisional = epoch.groupContext
        provisional.epoch += 1
        provisional.extensions = applied.extensions
        var privateState = epoch.privateState
        let commitSecret: Secret
        if let path = commit.path {
            // The checks that need no secret of the new epoch, made by every receiver, removed or not.
            let requirements = try requirementsFor(extensions: applied.extensions, tree: applied.tree)
            do {
                try configuration.leafValidator(crypto).validate(
                    path.leafNode, in: .commit(groupID: groupID, leafIndex: committerLeaf, replacing: replacing), requirements: requirements)
            } catch {
                throw .invalidLeafNode(error)
            }
            if committer == .external, let removed = applied.removed.first {
                guard configuration.policy.authorizes(.externalResync(removed: removed, leaf: path.leafNode), groupContext: epoch.groupContext)
                else { throw .notAuthorized }
            }
            let excluded = applied.addedLeaves
            // A member's leaf before the path (already checked unique); an external joiner's
            // was just added unchecked, so its key gets the full scan.
            let previousSignatureKey = committer == .external ? nil : applied.tree.leaf(at: committerLeaf)?.signatureKey
            do {
                try applied.tree.mergeUpdatePath(path, from: committerLeaf, excludingLeaves: excluded)
            } catch {
                throw .treeKEM(error)
            }
            // Encryption keys: checked by the merge against every node (the Adds' and Updates'
            // keys already were, by applyProposals). The path leaf's signature key remains.
            try checkSignatureKeyUnique(ofLeaf: committerLeaf, in: applied.tree, previousKey: previousSignatureKey)
            provisional.treeHash = applied.tree.treeHash()
            if summary.removedUs { return markRemovalUnconfirmed(summary) }
            privateState.prune(to: applied.tree)
            // Our Update, committed: its key is the leaf's now, and the path may be encrypted to it.
            if applied.updated.contains(epoch.ourLeaf) { try installPendingUpdateKey(in: &privateState, tree: applied.tree) }
            do {
                let decrypted = try applied.tree.decryptPathSecret(
                    of: path, from: committerLeaf, privateState: privateState, groupContext: provisional.wireBytes, excludingLeaves: excluded)
                privateState = decrypted.privateState
                commitSecret = decrypted.commitSecret
            } catch {
                throw .treeKEM(error)
            }
        } else {
            provisional.treeHash = applied.tree.treeHash()
            if summary.removedUs { return markRemovalUnconfirmed(summary) }
            privateState.prune(to: applied.tree)
            if applied.updated.contains(epoch.ourLeaf) { try installPendingUpdateKey(in: &privateState, tree: applied.tree) }
            commitSecret = Secret(zeros: crypto.hashLength)
        }

        // Transcript hashes and the new GroupContext (§8.2).
        var newContext = provisional
        newContext.confirmedTranscriptHash = TranscriptHashes.confirmed(
            crypto: crypto, interimBefore: epoch.interimTranscriptHash, confirmedInput: TranscriptHashes.confirmedInput(of: content))

        // init_secret: the previous epoch's, or the external joiner's (§8.3).
        let initSecret: Secret
        if let externalInit = applied.externalInit {
            do {
                let externalKey = try crypto.deriveKeyPair(ikm: epoch.keys.externalSecret)
                let context = try crypto.setupBaseR(kemOutput: externalInit.kemOutput, privateKey: externalKey, info: [])
                initSecret = try context.export(context: Array("MLS 1.0 external init secret".utf8), length: crypto.hashLength)
            } catch {
                throw .crypto(error)
            }
        } else {
            initSecret = epoch.keys.initSecret
        }

        let next = try nextEpoch(
            context: newContext, tree: applied.tree, privateState: privateState, initSecret: initSecret, commitSecret: commitSecret,
            pskSecret: try pskSecret(pskInputs), confirmationTag: confirmationTag
        ).state
        install(next)
        if let reInit = applied.reInit { status = .reinitialized(reInit) } else { status = .active }
        return summary
    }

    /// A verified-as-far-as-possible Commit removed this member: the group keeps its epoch
    /// (another Commit may still win it) but sends nothing until ``confirmRemoval()``.
    private mutating func markRemovalUnconfirmed(_ summary: CommitSummary) -> CommitSummary {
        status = .removalUnconfirmed
        pendingCommit = nil
        return summary
    }

    /// Runs the key schedule into the epoch of `context` and checks (or, for our own Commit,
    /// computes) its confirmation tag. Returns the new epoch, the tag, and the joiner and welcome
    /// secrets for a committer that sends a Welcome (used once, then dropped).
    func nextEpoch(
        context: GroupContext, tree: RatchetTree, privateState: TreeKEMPrivateState, initSecret: Secret, commitSecret: Secret,
        pskSecret: Secret?, confirmationTag: [UInt8]?
    ) throws(MLSGroupError) -> (state: EpochState, tag: [UInt8], joinerSecret: Secret, welcomeSecret: Secret) {
        try Self.nextEpoch(
            crypto: crypto, configuration: configuration, context: context, tree: tree, privateState: privateState, initSecret: initSecret,
            commitSecret: commitSecret, pskSecret: pskSecret, confirmationTag: confirmationTag)
    }

    static func nextEpoch(
        crypto: CryptoSuite, configuration: Configuration, context: GroupContext, tree: RatchetTree, privateState: TreeKEMPrivateState,
        initSecret: Secret, commitSecret: Secret, pskSecret: Secret?, confirmationTag: [UInt8]?
    ) throws(MLSGroupError) -> (state: EpochState, tag: [UInt8], joinerSecret: Secret, welcomeSecret: Secret) {
        let secrets: EpochSecrets
        do {
            secrets = try KeySchedule.epochSecrets(
                crypto: crypto, initSecret: initSecret, commitSecret: commitSecret, pskSecret: pskSecret, groupContext: context.wireBytes)
        } catch {
            throw .crypto(error)
        }
        let tag: [UInt8]
        if let confirmationTag {
            guard secrets.verifyConfirmationTag(confirmationTag, confirmedTranscriptHash: context.confirmedTranscriptHash) else {
                throw .badConfirmationTag
            }
            tag = confirmationTag
        } else {
            tag = secrets.confirmationTag(confirmedTranscriptHash: context.confirmedTranscriptHash)
        }
        let interim = TranscriptHashes.interim(crypto: crypto, confirmed: context.confirmedTranscriptHash, confirmationTag: tag)
        let joinerSecret = secrets.joinerSecret
        let welcomeSecret = secrets.welcomeSecret
        let (keys, secretTree) = try EpochKeys.split(secrets, leafCount: tree.leafCount, configuration: configuration.secretTree)
        let state = EpochState(
            groupContext: context, tree: tree, privateState: privateState, keys: keys, secretTree: secretTree, interimTranscriptHash: interim)
        return (state, tag, joinerSecret, welcomeSecret)
    }
}
