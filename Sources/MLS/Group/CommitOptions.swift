/// What a Commit of ours covers and how it is sent (RFC 9420 §12.4.1).
public struct CommitOptions: Sendable {
    /// KeyPackages of the clients to add (each validated before it is used).
    public var adding: [KeyPackageIn]
    /// Leaf indices of the members to remove.
    public var removing: [UInt32]
    /// PSKs to inject (see ``MLSGroup/externalPSKID(_:)`` and ``MLSGroup/resumptionPSKID(epoch:)``).
    public var psks: [PreSharedKeyID]
    /// New GroupContext extensions, replacing the current ones (a GroupContextExtensions proposal).
    public var groupContextExtensions: [Extension]?
    /// Cover the proposals received in this epoch by reference: all of them that are valid
    /// together with the rest of the Commit (those that are not are left out and reported in
    /// ``CreatedCommit/droppedProposals``).
    public var includePendingProposals: Bool
    /// Send an UpdatePath even when the proposals do not require one (post-compromise
    /// security; a Commit with no proposals is a self-update and always has a path).
    public var includePath: Bool
    /// Send the Commit as a PrivateMessage instead of a PublicMessage.
    public var encrypted: Bool
    /// Put the ratchet tree in the Welcome's GroupInfo (`ratchet_tree` extension).
    public var ratchetTreeInWelcome: Bool
    /// The Commit's `authenticated_data`.
    public var authenticatedData: [UInt8]

    public init(
        adding: [KeyPackageIn] = [], removing: [UInt32] = [], psks: [PreSharedKeyID] = [], groupContextExtensions: [Extension]? = nil,
        includePendingProposals: Bool = true, includePath: Bool = true, encrypted: Bool = false, ratchetTreeInWelcome: Bool = true,
        authenticatedData: [UInt8] = []
    ) {
        self.adding = adding
        self.removing = removing
        self.psks = psks
        self.groupContextExtensions = groupContextExtensions
        self.includePendingProposals = includePendingProposals
        self.includePath = includePath
        self.encrypted = encrypted
        self.ratchetTreeInWelcome = ratchetTreeInWelcome
        self.authenticatedData = authenticatedData
    }
}

/// A Commit we created: the message for the group, the Welcome for the members it adds, and
/// what it will change once merged.
public struct CreatedCommit: Sendable {
    /// The Commit (PublicMessage or PrivateMessage) to send to the group.
    public var commit: MLSMessage
    /// The Welcome for the added members, if any. Do not send it yet: if another Commit wins
    /// the epoch, its joiners would be in a fork. ``MLSGroup/mergePendingCommit()`` returns it
    /// (``CommitSummary/welcome``) once the Delivery Service accepted the Commit; send that one.
    public var welcome: MLSMessage?
    /// What merging the Commit will change.
    public var summary: CommitSummary
    /// Pending proposals this Commit leaves out, and why (RFC 9420 §12.2, §12.4: a committer
    /// includes the valid proposals as long as the list stays valid, preferring a Remove over an
    /// Update of the same member, the latest Update, and anything over a ReInit). They are
    /// dropped from the cache when the Commit is merged.
    public var droppedProposals: [DroppedProposal] = []
}

/// A pending proposal a Commit of ours left out.
public struct DroppedProposal: Sendable {
    /// Its `ProposalRef` (§5.2).
    public var reference: [UInt8]
    public var proposal: Proposal
    public var sender: Sender
    /// The rule it would have broken.
    public var reason: MLSGroupError
}
