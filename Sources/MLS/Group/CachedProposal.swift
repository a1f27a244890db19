/// A proposal received (or sent) in the current epoch, kept until a Commit covers it or the
/// epoch ends (RFC 9420 §12.4: Commits cover proposals by their ProposalRef).
struct CachedProposal: Sendable {
    /// `ProposalRef`: `RefHash("MLS 1.0 Proposal Reference", AuthenticatedContent)` (§5.2).
    var reference: [UInt8]
    var proposal: Proposal
    var sender: Sender
}

/// The proposals of the current epoch, in the order received, found by reference in O(1).
struct ProposalCache: Sendable {
    private(set) var proposals: [CachedProposal] = []
    private var index: [[UInt8]: Int] = [:]

    /// Adds `proposal` unless one with the same reference is already cached.
    mutating func insert(_ proposal: CachedProposal) {
        guard index[proposal.reference] == nil else { return }
        index[proposal.reference] = proposals.count
        proposals.append(proposal)
    }

    subscript(reference: [UInt8]) -> CachedProposal? {
        index[reference].map { proposals[$0] }
    }

    var isEmpty: Bool { proposals.isEmpty }

    mutating func removeAll() {
        proposals = []
        index = [:]
    }
}
