import WireFormat

extension MLSGroup {
    /// Processes one incoming PublicMessage or PrivateMessage of this group (RFC 9420 §6,
    /// §12.4.2) and says what changed.
    ///
    /// - Application data (PrivateMessage only) is decrypted and returned with its sender.
    /// - A proposal is verified and cached for a Commit to cover by reference.
    /// - A Commit is fully verified and applied: the group moves to the next epoch (a pending
    ///   Commit of ours for the same epoch is discarded: the client rebases on the new epoch).
    ///
    /// Messages of another epoch are refused with ``MLSGroupError/wrongEpoch``. On any error
    /// the group is unchanged, except that a PrivateMessage whose content decrypted consumed
    /// its key (RFC 9420 §9.2).
    public mutating func process(_ message: MLSMessage) throws(MLSGroupError) -> ProcessedMessage {
        guard status == .active || status == .removalUnconfirmed else { throw .groupInactive }
        // Our own pending Commit echoed back: its sending key is spent, so say what it is.
        if isPendingCommit(message) { throw .ownCommit }
        let content: AuthenticatedContent
        switch message.body {
        case .publicMessage(let publicMessage):
            try checkGroupAndEpoch(groupID: publicMessage.content.groupID, epoch: publicMessage.content.epoch)
            let key = try senderSignatureKey(for: publicMessage.content)
            do {
                content = try protection(epoch).unprotectPublic(publicMessage, signaturePublicKey: key, membershipKey: epoch.keys.membershipKey)
            } catch {
                throw .protection(error)
            }
        case .privateMessage(let privateMessage):
            try checkGroupAndEpoch(groupID: privateMessage.groupID, epoch: privateMessage.epoch)
            let tree = epoch.tree
            let senderDataSecret = epoch.keys.senderDataSecret
            let protection = protection(epoch)
            do {
                // The secret tree is passed in place: a local copy would copy its dictionaries
                // on the first write (copy-on-write), O(ratchets) per message (review L2).
                content = try protection.unprotectPrivate(
                    privateMessage, secretTree: &epoch.secretTree, senderDataSecret: senderDataSecret,
                    signaturePublicKey: { tree.leaf(at: $0.value)?.signatureKey })
            } catch {
                throw .protection(error)
            }
        case .welcome, .groupInfo, .keyPackage:
            throw .unexpectedWireFormat
        }

        switch content.content.body {
        case .application(let data):
            guard case .member(let leaf) = content.content.sender, let leafNode = epoch.tree.leaf(at: leaf) else { throw .unknownSender }
            return .application(
                ApplicationMessage(sender: leaf, credential: leafNode.credential, data: data, authenticatedData: content.content.authenticatedData))
        case .proposal(let proposal):
            return .proposal(try receiveProposal(proposal, content: content))
        case .commit(let commit):
            return .commit(try processCommit(content, commit: commit))
        }
    }

    func checkGroupAndEpoch(groupID: [UInt8], epoch number: UInt64) throws(MLSGroupError) {
        guard groupID == self.groupID else { throw .wrongGroup }
        guard number == epochNumber else { throw .wrongEpoch }
    }

    /// The key a PublicMessage's signature must verify with (§6.1): the member's leaf key, the
    /// external sender's key from `external_senders`, or the new member's own key (from its
    /// KeyPackage for a `new_member_proposal`, from the path's leaf for a `new_member_commit`).
    func senderSignatureKey(for content: FramedContent) throws(MLSGroupError) -> [UInt8] {
        switch content.sender {
        case .member(let leaf):
            guard let leafNode = epoch.tree.leaf(at: leaf) else { throw .unknownSender }
            return leafNode.signatureKey
        case .external(let index):
            let senders = try externalSenders()
            guard Int(index) < senders.count else { throw .unknownSender }
            return senders[Int(index)].signatureKey
        case .newMemberProposal:
            guard case .proposal(.add(let add)) = content.body else { throw .protection(.invalidSenderForContentType) }
            return add.keyPackage.leafNode.signatureKey
        case .newMemberCommit:
            guard case .commit(let commit) = content.body else { throw .protection(.invalidSenderForContentType) }
            guard let path = commit.path else { throw .invalidExternalCommit }
            return path.leafNode.signatureKey
        }
    }

    /// The `external_senders` GroupContext extension (§12.1.8.1), empty when absent.
    func externalSenders() throws(MLSGroupError) -> [ExternalSender] {
        guard let data = epoch.groupContext.extensions.first(ofType: .externalSenders)?.extensionData else { return [] }
        return try Self.decodeExternalSenders(data)
    }

    /// Checks what a proposal's sender may propose (§12.1.8), whether the group's policy
    /// authorizes a non-member's proposal, and the proposal's own validity against the current
    /// epoch (§12.1, ``checkProposalOnItsOwn(_:sender:)``), then caches it by its ProposalRef.
    /// Invalid proposals are refused here rather than cached: a Commit covering them would be
    /// invalid (§12.2), and a valid cached proposal obliges this member to commit before it
    /// sends application data (§12.4). Whether a list of proposals fits together is checked
    /// when a Commit covers it.
    mutating func receiveProposal(_ proposal: Proposal, content: AuthenticatedContent) throws(MLSGroupError) -> ReceivedProposal {
        let sender = content.content.sender
        switch sender {
        case .external(let index):
            guard proposal.proposalType.isAllowedFromExternalSender else { throw .externalSenderNotAllowed }
            let senders = try externalSenders()
            guard Int(index) < senders.count else { throw .unknownSender }
            guard configuration.policy.authorizes(.externalSenderProposal(proposal, sender: senders[Int(index)]), groupContext: groupContext) else {
                throw .notAuthorized
            }
        case .newMemberProposal:
            guard case .add(let add) = proposal else { throw .externalSenderNotAllowed }
            guard configuration.policy.authorizes(.newMemberProposal(add.keyPackage), groupContext: groupContext) else { throw .notAuthorized }
        case .member(let leaf):
            if case .update = proposal, epoch.tree.leaf(at: leaf) == nil { throw .updateFromNonMember }
        case .newMemberCommit:
            throw .protection(.invalidSenderForContentType)
        }
        let reference = crypto.makeProposalRef(content.wireBytes)
        if let cached = proposalCache[reference] { return ReceivedProposal(reference: reference, proposal: cached.proposal, sender: cached.sender) }
        guard proposalCache.proposals.count < configuration.maximumCachedProposals else { throw .proposalCacheFull }
        try checkProposalOnItsOwn(proposal, sender: sender)
        proposalCache.insert(CachedProposal(reference: reference, proposal: proposal, sender: sender))
        return ReceivedProposal(reference: reference, proposal: proposal, sender: sender)
    }
}
