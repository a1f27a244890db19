import WireFormat

/// A proposed change to the group (RFC 9420 §12.1, `Proposal`).
///
/// Only the seven proposal types of RFC 9420 are representable. A proposal of any other
/// type cannot be decoded, because its body has no length prefix; decoding fails with a
/// typed error (RFC 9420 §13.5: GREASE and unknown values MUST NOT appear in
/// `Proposal.proposal_type`, and a message carrying an unsupported one is rejected).
public enum Proposal: Hashable, Sendable {
    case add(Add)
    case update(Update)
    case remove(Remove)
    case preSharedKey(PreSharedKey)
    case reInit(ReInit)
    case externalInit(ExternalInit)
    case groupContextExtensions(GroupContextExtensions)

    /// The proposal's type.
    public var proposalType: ProposalType {
        switch self {
        case .add: .add
        case .update: .update
        case .remove: .remove
        case .preSharedKey: .psk
        case .reInit: .reinit
        case .externalInit: .externalInit
        case .groupContextExtensions: .groupContextExtensions
        }
    }
}
