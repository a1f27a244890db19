/// The application's authorization of what non-members do to a group (RFC 9420 §12.1.8:
/// "External proposals that are not authorized are considered invalid"; §12.2 and §12.4:
/// an application may require permissions to add members; §12.4.3.2: an application may
/// disallow external Commits that contain a Remove).
///
/// Members' own proposals and Commits are governed by the MLS rules alone. A group asks its
/// policy before it caches a proposal from a non-member and before it accepts an external
/// Commit, and refuses with ``MLSGroupError/notAuthorized`` when the policy says no.
public protocol GroupPolicy: Sendable {
    /// Whether `action` is allowed in the group whose current GroupContext is `groupContext`.
    func authorizes(_ action: NonMemberAction, groupContext: GroupContext) -> Bool
}

/// Something a non-member asks of a group.
public enum NonMemberAction: Sendable {
    /// A `new_member_proposal` Add: a client proposes adding itself (§12.1.8).
    case newMemberProposal(KeyPackageIn)
    /// A proposal from `sender`, listed in the group's `external_senders` extension; its
    /// signature has been verified with that sender's key (§12.1.8.1).
    case externalSenderProposal(Proposal, sender: ExternalSender)
    /// An external Commit by which a new client joins with `leaf` (§12.4.3.2).
    case externalJoin(leaf: LeafNode)
    /// An external Commit that removes the member `removed` and joins with `leaf`: a
    /// "resync" (§12.4.3.2). The leaf has already passed the checks of an Update of the
    /// removed leaf, and the credential validator accepted it as the removed credential's
    /// successor.
    case externalResync(removed: GroupMember, leaf: LeafNode)
}

/// The default policy: external senders listed in the GroupContext may propose (they were
/// provisioned by the group, §12.1.8.1); self-proposed Adds, external joins and resyncs are
/// refused unless switched on.
///
/// Letterlock's relay only forwards messages (ARCHITECTURE.md): with anything more permissive,
/// whoever can post to a group could get a client of its own added by the next routine Commit.
public struct StandardGroupPolicy: GroupPolicy {
    /// Accept `new_member_proposal` Adds.
    public var allowsNewMemberProposals: Bool
    /// Accept external Commits without a Remove.
    public var allowsExternalJoins: Bool
    /// Accept external Commits with a Remove ("resync"; §12.4.3.2 names the risk: a stolen
    /// signature key replaces its owner in one step).
    public var allowsExternalResync: Bool
    /// Accept proposals from the senders in `external_senders`.
    public var allowsExternalSenderProposals: Bool

    public init(
        allowsNewMemberProposals: Bool = false, allowsExternalJoins: Bool = false, allowsExternalResync: Bool = false,
        allowsExternalSenderProposals: Bool = true
    ) {
        self.allowsNewMemberProposals = allowsNewMemberProposals
        self.allowsExternalJoins = allowsExternalJoins
        self.allowsExternalResync = allowsExternalResync
        self.allowsExternalSenderProposals = allowsExternalSenderProposals
    }

    /// Everything the RFC permits: for interop test vectors, never for a Letterlock group.
    public static let permissive = StandardGroupPolicy(
        allowsNewMemberProposals: true, allowsExternalJoins: true, allowsExternalResync: true, allowsExternalSenderProposals: true)

    public func authorizes(_ action: NonMemberAction, groupContext: GroupContext) -> Bool {
        switch action {
        case .newMemberProposal: allowsNewMemberProposals
        case .externalSenderProposal: allowsExternalSenderProposals
        case .externalJoin: allowsExternalJoins
        case .externalResync: allowsExternalResync
        }
    }
}
