/// Everything one epoch of a group consists of for one member (RFC 9420 §8): the GroupContext,
/// the ratchet tree and this member's private keys in it, the epoch's secrets and secret tree,
/// and the interim transcript hash the next Commit builds on.
struct EpochState: Sendable {
    var groupContext: GroupContext
    var tree: RatchetTree
    var privateState: TreeKEMPrivateState
    var keys: EpochKeys
    var secretTree: SecretTree
    var interimTranscriptHash: [UInt8]

    var ourLeaf: UInt32 { privateState.leafIndex }
}
