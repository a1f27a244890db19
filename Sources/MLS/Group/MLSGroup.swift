/// One member's state of an MLS group (RFC 9420): the current epoch (GroupContext, ratchet
/// tree, this member's private keys, the epoch's secrets and secret tree, transcript hashes),
/// the proposals received in the epoch, the resumption PSKs of recent epochs, and a Commit of
/// ours awaiting the Delivery Service's answer.
///
/// A value type with one owner: every operation that changes the group is `mutating`, and on
/// error the group is left as it was. Copying a group copies its secrets; keep one copy (a
/// stale copy could decrypt messages this copy already deleted keys for).
///
/// Ways in: ``init(creating:cipherSuite:leafNode:encryptionKey:signer:extensions:configuration:)``
/// (a new group, epoch 0), ``init(joining:keyPackage:privateKeys:ratchetTree:configuration:)``
/// (a Welcome), ``joinExternally(groupInfo:ratchetTree:leafTemplate:signer:resyncing:configuration:)``
/// (an external Commit), and ``init(serialized:configuration:)`` (restored state, see
/// ``serialized()``).
public struct MLSGroup: Sendable {
    /// The primitives of the group's cipher suite.
    public let crypto: CryptoSuite
    /// This member's signature key: signs its messages, leaf nodes and GroupInfos.
    let signer: SignaturePrivateKey
    /// The current epoch.
    var epoch: EpochState
    /// Proposals of the current epoch.
    var proposalCache = ProposalCache()
    /// `resumption_psk` of recent epochs (the current one included), by epoch.
    var resumptionPSKs: [UInt64: Secret] = [:]
    /// A Commit this member created, applied by ``mergePendingCommit()`` once the Delivery
    /// Service accepted it.
    var pendingCommit: PendingCommit?
    /// Private keys of the Update proposals this member sent in the current epoch, by their
    /// public key: one becomes the leaf key when a Commit applies that Update (§12.1.2).
    var pendingUpdateKeys: [[UInt8]: HPKEPrivateKey] = [:]
    /// Whether the group can still be used.
    public internal(set) var status: Status = .active
    /// Only while a reinitialized or branched group makes its first Commit (§11.2, §11.3):
    /// the `reinit`/`branch` PSK it may carry, and the old group's resumption PSK. Never stored.
    var resumptionLink: (id: PreSharedKeyID, psk: Secret)?
    /// The environment: clock, Authentication Service, PSKs, randomness, limits.
    public var configuration: Configuration

    /// Whether this member can still use the group (RFC 9420 §12.4.2).
    public enum Status: Hashable, Sendable {
        /// A member of the current epoch.
        case active
        /// A Commit removed this member, but a removed member cannot verify that Commit's
        /// confirmation tag (§12.4.2): a member with the membership key could have forged it.
        /// The group keeps its epoch and still processes its messages (another Commit may win
        /// the epoch, which makes the group active again), but sends nothing. Call
        /// ``MLSGroup/confirmRemoval()`` once the application knows the Commit stands (for
        /// example, the Delivery Service ordered it as the epoch's Commit).
        case removalUnconfirmed
        /// This member was removed (confirmed): the group's secrets are erased.
        case removed
        /// A ReInit was committed: wait for the Welcome to the new group.
        case reinitialized(ReInit)
    }

    init(crypto: CryptoSuite, signer: SignaturePrivateKey, epoch: EpochState, configuration: Configuration) {
        self.crypto = crypto
        self.signer = signer
        self.epoch = epoch
        self.configuration = configuration
        rememberResumptionPSK()
    }

    // MARK: Reading the state

    /// The current GroupContext (§8.1).
    public var groupContext: GroupContext { epoch.groupContext }
    /// The group's identifier.
    public var groupID: [UInt8] { epoch.groupContext.groupID }
    /// The current epoch number.
    public var epochNumber: UInt64 { epoch.groupContext.epoch }
    /// The cipher suite.
    public var cipherSuite: CipherSuite { crypto.cipherSuite }
    /// The ratchet tree of the current epoch.
    public var ratchetTree: RatchetTree { epoch.tree }
    /// This member's leaf index.
    public var ownLeafIndex: UInt32 { epoch.ourLeaf }
    /// Whether a Commit of ours is waiting for ``mergePendingCommit()`` or ``discardPendingCommit()``.
    public var hasPendingCommit: Bool { pendingCommit != nil }

    /// The members of the current epoch, by leaf index.
    public var members: [GroupMember] {
        epoch.tree.occupiedLeaves.compactMap { index in
            epoch.tree.leaf(at: index).map { GroupMember(leafIndex: index, credential: $0.credential, signatureKey: $0.signatureKey) }
        }
    }

    /// The epoch authenticator (§8.7): equal for every member of the epoch; compare it out of
    /// band to detect a split view of the group.
    public var epochAuthenticator: Secret { epoch.keys.epochAuthenticator }

    /// `MLS-Exporter(label, context, length)` (§8.5) for the current epoch.
    public func export(label: String, context: [UInt8], length: Int) throws(MLSGroupError) -> Secret {
        do {
            return try EpochSecrets.export(crypto: crypto, exporterSecret: epoch.keys.exporterSecret, labelBytes: label.utf8, context: context, length: length)
        } catch {
            throw .crypto(error)
        }
    }

    /// The proposals received in this epoch and not yet committed, in order.
    public var pendingProposals: [ReceivedProposal] {
        proposalCache.proposals.map { ReceivedProposal(reference: $0.reference, proposal: $0.proposal, sender: $0.sender) }
    }

    // MARK: Internal helpers

    /// Keeps the current epoch's resumption PSK, dropping the oldest beyond the retention.
    mutating func rememberResumptionPSK() {
        let current = epoch.groupContext.epoch
        resumptionPSKs[current] = epoch.keys.resumptionPSK
        let retention = UInt64(max(1, configuration.resumptionPSKRetention))
        if current >= retention {
            for old in resumptionPSKs.keys where old <= current - retention { resumptionPSKs[old] = nil }
        }
    }

    func requireActive() throws(MLSGroupError) {
        guard status == .active else { throw .groupInactive }
    }

    /// Confirms a removal reported by a Commit (``Status/removalUnconfirmed``): the group
    /// becomes ``Status/removed`` and erases what it holds of the epoch's secrets, its path
    /// keys, resumption PSKs, cached proposals and pending Commit (§12.4.2: a removed member
    /// "SHOULD promptly delete its group state and secret tree"). Drop the value afterwards:
    /// copies made before still hold the secrets.
    public mutating func confirmRemoval() throws(MLSGroupError) {
        guard status == .removalUnconfirmed else { throw .noRemovalPending }
        status = .removed
        let zeros = Secret(zeros: crypto.hashLength)
        epoch.keys = EpochKeys(
            senderDataSecret: zeros, exporterSecret: zeros, externalSecret: zeros, confirmationKey: zeros, membershipKey: zeros,
            resumptionPSK: zeros, epochAuthenticator: zeros, initSecret: zeros)
        if let empty = try? SecretTree(crypto: crypto, encryptionSecret: zeros, leafCount: 1, configuration: configuration.secretTree) {
            epoch.secretTree = empty
        }
        epoch.privateState = TreeKEMPrivateState(leafIndex: epoch.privateState.leafIndex, leafKey: epoch.privateState.leafKey)
        resumptionPSKs = [:]
        proposalCache.removeAll()
        pendingCommit = nil
        pendingUpdateKeys = [:]
    }

    /// Installs `next` as the current epoch, after a Commit.
    mutating func install(_ next: EpochState) {
        epoch = next
        proposalCache.removeAll()
        pendingCommit = nil
        pendingUpdateKeys = [:]
        rememberResumptionPSK()
    }

    func protection(_ state: EpochState) -> MessageProtection {
        MessageProtection(crypto: crypto, groupContext: state.groupContext)
    }
}
