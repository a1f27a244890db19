import WireFormat

/// A proposal covered by a Commit, by value or by reference (RFC 9420 §12.4, `ProposalOrRef`).
public enum ProposalOrRef: Hashable, Sendable {
    /// `proposal(1)`: the proposal itself, sent by the committer.
    case proposal(Proposal)
    /// `reference(2)`: the `ProposalRef` (RFC 9420 §5.2) of a proposal sent earlier in the epoch.
    case reference([UInt8])
}
