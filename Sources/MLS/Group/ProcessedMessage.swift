/// What processing one message did to the group (RFC 9420 §6: the three content types).
public enum ProcessedMessage: Sendable {
    /// Application data from a member.
    case application(ApplicationMessage)
    /// A proposal, now cached for a later Commit to cover by reference.
    case proposal(ReceivedProposal)
    /// A Commit, applied: the group is in a new epoch (or this member was removed).
    case commit(CommitSummary)
}

/// Application data and who sent it.
public struct ApplicationMessage: Sendable {
    /// The sender's leaf index.
    public var sender: UInt32
    /// The sender's credential, as in the tree.
    public var credential: Credential
    public var data: [UInt8]
    /// The message's `authenticated_data` (signed, not encrypted).
    public var authenticatedData: [UInt8]
}

/// A proposal received and cached.
public struct ReceivedProposal: Sendable {
    /// Its `ProposalRef` (§5.2), by which a Commit covers it.
    public var reference: [UInt8]
    public var proposal: Proposal
    public var sender: Sender
}

/// A member of the group: its leaf index and credential.
public struct GroupMember: Hashable, Sendable {
    public var leafIndex: UInt32
    public var credential: Credential
    public var signatureKey: [UInt8]
}

/// What a Commit changed (RFC 9420 §12.3, §12.4.2).
public struct CommitSummary: Sendable {
    /// The committer: its leaf index in the new epoch (an external joiner's new leaf).
    public var committer: UInt32
    /// The epoch the group is now in.
    public var epoch: UInt64
    /// Members added by Add proposals, with their new leaf indices.
    public var added: [GroupMember]
    /// Members removed, with the leaf index they had.
    public var removed: [GroupMember]
    /// Leaves replaced by Update proposals.
    public var updated: [UInt32]
    /// Whether the committer updated its own leaf through a path.
    public var hadPath: Bool
    /// Whether this Commit was an external join (`new_member_commit`).
    public var isExternalJoin: Bool
    /// The GroupContext extensions, when a GroupContextExtensions proposal replaced them.
    public var newExtensions: [Extension]?
    /// The PSKs injected into the new epoch.
    public var psks: [PreSharedKeyID]
    /// A committed ReInit: the group must not be used to send any more (§12.4.2).
    public var reInit: ReInit?
    /// Whether this member was removed: the group is ``MLSGroup/Status/removalUnconfirmed``
    /// until ``MLSGroup/confirmRemoval()`` (or another Commit of the epoch is processed).
    public var removedUs: Bool
    /// From ``MLSGroup/mergePendingCommit()`` only: the Welcome for the members our Commit
    /// added, to send now that the Delivery Service accepted the Commit.
    public var welcome: MLSMessage? = nil
}
