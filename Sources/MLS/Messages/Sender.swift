import WireFormat

/// Who sent a message (RFC 9420 §6, `Sender`). Closed: the RFC fixes the sender types.
public enum Sender: Hashable, Sendable {
    /// `member(1)`: the member at `leafIndex`.
    case member(leafIndex: UInt32)
    /// `external(2)`: the entry `senderIndex` of the group's `external_senders` extension.
    case external(senderIndex: UInt32)
    /// `new_member_proposal(3)`: a client proposing its own Add.
    case newMemberProposal
    /// `new_member_commit(4)`: a client joining by external Commit.
    case newMemberCommit
}
