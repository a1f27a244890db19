import WireFormat

/// A Commit (RFC 9420 §12.4): the proposals that take effect and, optionally, the
/// committer's UpdatePath.
public struct Commit: Hashable, Sendable {
    public var proposals: [ProposalOrRef]
    public var path: UpdatePath?

    public init(proposals: [ProposalOrRef], path: UpdatePath?) {
        self.proposals = proposals
        self.path = path
    }
}
