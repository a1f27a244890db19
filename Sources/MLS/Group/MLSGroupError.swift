public import WireFormat

/// Why a group operation failed: joining from a Welcome, processing a message, creating a
/// Commit, or restoring state. Every check RFC 9420 puts on these steps has its own value here,
/// so a caller (and a test) can tell which rule a message broke. Descriptions name the rule
/// and never carry key material, identities or message content.
public struct MLSGroupError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        // Framing and state.
        case wrongGroup, wrongEpoch, unexpectedWireFormat, groupInactive, ownCommit, noPendingCommit, pendingCommitExists
        case unknownSender, externalSenderNotAllowed, unknownProposalReference, senderCannotCommit
        case protection(MessageProtectionError)
        // Individual proposals (§12.1).
        case invalidKeyPackage(KeyPackageValidationError), invalidLeafNode(LeafNodeValidationError)
        case removesBlankLeaf, updateFromNonMember, pskNonceLength, pskUsageNotAllowed, reInitVersion
        case extensionNotSupportedByMembers, requiredCapabilitiesNotMet, externalSendersMalformed
        // Proposal lists (§12.2).
        case updateByCommitter, removesCommitter, duplicateUpdateOrRemove, duplicateAdd, addsExistingMember
        case duplicatePSK, multipleGroupContextExtensions, reInitNotAlone, externalInitInMemberCommit
        case invalidExternalCommit, proposalByReferenceInExternalCommit
        case duplicateEncryptionKey, duplicateSignatureKey
        // Commits (§12.4.2).
        case pathRequired, missingPSK, badConfirmationTag, treeKEM(TreeKEMError), tree(TreeError)
        // Joining (§12.4.3.1).
        case welcome(WelcomeError), missingRatchetTree, groupInfoSignerBlank, badGroupInfoSignature
        case ourLeafNotFound, privateKeyMismatch, pathSecretMismatch, multipleReInitOrBranchPSKs, missingExternalPub
        // Everything else.
        case crypto(MLSCryptoError), secretTree(SecretTreeError), malformed(WireFormatError), invalidArgument
        case unsupportedStateVersion(UInt16), malformedState
        // Policy and application rules.
        case notAuthorized, proposalCacheFull, commitRequired, epochExhausted, reInitOrBranchNotSupported
        case malformedGroupContextExtension, resumptionPSKWithAdds, noRemovalPending, notReinitialized, resumptionMismatch
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The message belongs to another group.
    public static let wrongGroup = Self(.wrongGroup)
    /// The message belongs to another epoch than the group's current one.
    public static let wrongEpoch = Self(.wrongEpoch)
    /// A Welcome, GroupInfo or KeyPackage was given where a PublicMessage or PrivateMessage belongs.
    public static let unexpectedWireFormat = Self(.unexpectedWireFormat)
    /// The group can no longer be used: this member was removed, or a ReInit was committed.
    public static let groupInactive = Self(.groupInactive)
    /// A Commit from this member came back: apply it with ``MLSGroup/mergePendingCommit()``.
    public static let ownCommit = Self(.ownCommit)
    /// ``MLSGroup/mergePendingCommit()`` without a pending Commit.
    public static let noPendingCommit = Self(.noPendingCommit)
    /// A Commit was created while another one is pending: merge or discard it first.
    public static let pendingCommitExists = Self(.pendingCommitExists)
    /// The sender is a blank leaf, outside the tree, or an unknown external sender.
    public static let unknownSender = Self(.unknownSender)
    /// An external sender sent a proposal type it may not send (§12.1.8).
    public static let externalSenderNotAllowed = Self(.externalSenderNotAllowed)
    /// A Commit references a proposal this member has not received in this epoch.
    public static let unknownProposalReference = Self(.unknownProposalReference)
    /// The sender type cannot send a Commit.
    public static let senderCannotCommit = Self(.senderCannotCommit)
    /// The framing layer rejected the message (signature, membership tag, decryption, …).
    public static func protection(_ error: MessageProtectionError) -> Self { Self(.protection(error)) }

    /// An Add's KeyPackage is invalid (§10.1, §12.1.1).
    public static func invalidKeyPackage(_ error: KeyPackageValidationError) -> Self { Self(.invalidKeyPackage(error)) }
    /// An Update's or a Commit path's LeafNode is invalid (§7.3).
    public static func invalidLeafNode(_ error: LeafNodeValidationError) -> Self { Self(.invalidLeafNode(error)) }
    /// A Remove names a blank leaf or a leaf outside the tree (§12.1.3).
    public static let removesBlankLeaf = Self(.removesBlankLeaf)
    /// An Update was not sent by a member (§12.1.2).
    public static let updateFromNonMember = Self(.updateFromNonMember)
    /// A PreSharedKeyID's `psk_nonce` is not `KDF.Nh` bytes (§8.4, §12.1.4).
    public static let pskNonceLength = Self(.pskNonceLength)
    /// A resumption PSK with usage `reinit` or `branch` outside a reinit or branch (§12.1.4).
    public static let pskUsageNotAllowed = Self(.pskUsageNotAllowed)
    /// A ReInit names a protocol version older than the group's (§12.1.5).
    public static let reInitVersion = Self(.reInitVersion)
    /// A GroupContext extension is not supported by every member (§12.1.7, §13.4).
    public static let extensionNotSupportedByMembers = Self(.extensionNotSupportedByMembers)
    /// A member does not meet the new `required_capabilities` (§11.1, §12.1.7).
    public static let requiredCapabilitiesNotMet = Self(.requiredCapabilitiesNotMet)
    /// The `external_senders` extension does not decode.
    public static let externalSendersMalformed = Self(.externalSendersMalformed)

    /// §12.2: the list holds an Update from the committer.
    public static let updateByCommitter = Self(.updateByCommitter)
    /// §12.2: the list removes the committer.
    public static let removesCommitter = Self(.removesCommitter)
    /// §12.2: two Update and/or Remove proposals apply to the same leaf.
    public static let duplicateUpdateOrRemove = Self(.duplicateUpdateOrRemove)
    /// §12.2: two Adds for the same client (same signature key).
    public static let duplicateAdd = Self(.duplicateAdd)
    /// §12.2: an Add for a client already in the group (same signature key) that is not removed.
    public static let addsExistingMember = Self(.addsExistingMember)
    /// §12.2: two PreSharedKey proposals name the same PreSharedKeyID.
    public static let duplicatePSK = Self(.duplicatePSK)
    /// §12.2: more than one GroupContextExtensions proposal.
    public static let multipleGroupContextExtensions = Self(.multipleGroupContextExtensions)
    /// §12.2: a ReInit together with another proposal.
    public static let reInitNotAlone = Self(.reInitNotAlone)
    /// §12.2: an ExternalInit in a member's Commit.
    public static let externalInitInMemberCommit = Self(.externalInitInMemberCommit)
    /// §12.2: an external Commit whose proposals are not exactly one ExternalInit, at most one
    /// Remove and PreSharedKeys, or which has no path.
    public static let invalidExternalCommit = Self(.invalidExternalCommit)
    /// §12.4.3.2: an external Commit covers a proposal by reference.
    public static let proposalByReferenceInExternalCommit = Self(.proposalByReferenceInExternalCommit)
    /// §7.3: after the Commit two nodes would share an encryption key.
    public static let duplicateEncryptionKey = Self(.duplicateEncryptionKey)
    /// §7.3: after the Commit two leaves would share a signature key.
    public static let duplicateSignatureKey = Self(.duplicateSignatureKey)

    /// §12.4.2: the Commit has no path but covers an Update, Remove, ExternalInit or
    /// GroupContextExtensions proposal, or no proposal at all.
    public static let pathRequired = Self(.pathRequired)
    /// A PSK the Commit or Welcome names is not available.
    public static let missingPSK = Self(.missingPSK)
    /// The confirmation tag does not match the new epoch's key schedule.
    public static let badConfirmationTag = Self(.badConfirmationTag)
    /// The UpdatePath could not be merged or decrypted.
    public static func treeKEM(_ error: TreeKEMError) -> Self { Self(.treeKEM(error)) }
    /// A tree operation or the validation of a received tree failed.
    public static func tree(_ error: TreeError) -> Self { Self(.tree(error)) }

    /// The Welcome could not be decrypted or verified.
    public static func welcome(_ error: WelcomeError) -> Self { Self(.welcome(error)) }
    /// A Welcome without a `ratchet_tree` extension and no tree given out of band.
    public static let missingRatchetTree = Self(.missingRatchetTree)
    /// The GroupInfo signer's leaf is blank or outside the tree.
    public static let groupInfoSignerBlank = Self(.groupInfoSignerBlank)
    /// The GroupInfo signature does not verify with the signer's leaf key.
    public static let badGroupInfoSignature = Self(.badGroupInfoSignature)
    /// No leaf of the tree is identical to our KeyPackage's leaf node.
    public static let ourLeafNotFound = Self(.ourLeafNotFound)
    /// A private key does not match its public key.
    public static let privateKeyMismatch = Self(.privateKeyMismatch)
    /// A key derived from the Welcome's path secret does not match the tree.
    public static let pathSecretMismatch = Self(.pathSecretMismatch)
    /// More than one resumption PSK with usage `reinit` or `branch` (§12.4.3.1).
    public static let multipleReInitOrBranchPSKs = Self(.multipleReInitOrBranchPSKs)
    /// A GroupInfo for an external join has no `external_pub` extension.
    public static let missingExternalPub = Self(.missingExternalPub)

    /// A key derivation or public-key operation failed.
    public static func crypto(_ error: MLSCryptoError) -> Self { Self(.crypto(error)) }
    /// The secret tree refused a key.
    public static func secretTree(_ error: SecretTreeError) -> Self { Self(.secretTree(error)) }
    /// A structure inside the message does not decode.
    public static func malformed(_ error: WireFormatError) -> Self { Self(.malformed(error)) }
    /// An argument of the call is out of range.
    public static let invalidArgument = Self(.invalidArgument)
    /// Serialized state of a format version this build does not know.
    public static func unsupportedStateVersion(_ version: UInt16) -> Self { Self(.unsupportedStateVersion(version)) }
    /// Serialized state that does not decode or is inconsistent.
    public static let malformedState = Self(.malformedState)

    /// The group's ``GroupPolicy`` refused what a non-member asked (§12.1.8, §12.4.3.2).
    public static let notAuthorized = Self(.notAuthorized)
    /// The epoch already holds ``MLSGroup/Configuration/maximumCachedProposals`` proposals.
    public static let proposalCacheFull = Self(.proposalCacheFull)
    /// §12.4: proposals are pending in this epoch; commit them before sending application data.
    public static let commitRequired = Self(.commitRequired)
    /// The epoch counter is at its maximum: the group cannot advance.
    public static let epochExhausted = Self(.epochExhausted)
    /// A Welcome names a `reinit` or `branch` resumption PSK but no old group was given to
    /// join with (its §12.4.3.1 checks need the old group: pass `resuming:`).
    public static let reInitOrBranchNotSupported = Self(.reInitOrBranchNotSupported)
    /// Reinitializing (§11.2) needs a group whose last Commit carried a ReInit.
    public static let notReinitialized = Self(.notReinitialized)
    /// A Welcome resuming a group (`reinit` or `branch` PSK) does not fit that group (§12.4.3.1):
    /// not epoch 1, another suite or version, a group ID or extensions other than the ReInit's,
    /// an old member missing (reinit) or a new member who was not in the old group (branch).
    public static let resumptionMismatch = Self(.resumptionMismatch)
    /// A GroupContext extension this implementation interprets (`required_capabilities`) does not decode.
    public static let malformedGroupContextExtension = Self(.malformedGroupContextExtension)
    /// A Commit that adds members cannot inject this group's own resumption PSK: the joiners do
    /// not have it, so the Welcome would be unusable.
    public static let resumptionPSKWithAdds = Self(.resumptionPSKWithAdds)
    /// ``MLSGroup/confirmRemoval()`` without an unconfirmed removal.
    public static let noRemovalPending = Self(.noRemovalPending)

    public var description: String {
        switch code {
        case .wrongGroup: "group: message for another group"
        case .wrongEpoch: "group: message for another epoch"
        case .unexpectedWireFormat: "group: not a PublicMessage or PrivateMessage"
        case .groupInactive: "group: inactive (removed or reinitialized)"
        case .ownCommit: "group: own commit received; merge the pending commit instead"
        case .noPendingCommit: "group: no pending commit"
        case .pendingCommitExists: "group: a commit is already pending"
        case .unknownSender: "group: unknown sender"
        case .externalSenderNotAllowed: "group: proposal type not allowed from an external sender"
        case .unknownProposalReference: "group: commit references an unknown proposal"
        case .senderCannotCommit: "group: sender type cannot commit"
        case .protection(let error): "group: \(error)"
        case .invalidKeyPackage(let error): "group: add: \(error)"
        case .invalidLeafNode(let error): "group: \(error)"
        case .removesBlankLeaf: "group: remove of a blank leaf"
        case .updateFromNonMember: "group: update from a non-member"
        case .pskNonceLength: "group: PSK nonce length is not KDF.Nh"
        case .pskUsageNotAllowed: "group: resumption PSK usage not allowed here"
        case .reInitVersion: "group: reinit to an older protocol version"
        case .extensionNotSupportedByMembers: "group: group context extension not supported by every member"
        case .requiredCapabilitiesNotMet: "group: a member does not meet the required capabilities"
        case .externalSendersMalformed: "group: external_senders extension does not decode"
        case .updateByCommitter: "group: proposal list: update from the committer"
        case .removesCommitter: "group: proposal list: removes the committer"
        case .duplicateUpdateOrRemove: "group: proposal list: several updates/removes for one leaf"
        case .duplicateAdd: "group: proposal list: two adds for one client"
        case .addsExistingMember: "group: proposal list: adds a client already in the group"
        case .duplicatePSK: "group: proposal list: duplicate PSK"
        case .multipleGroupContextExtensions: "group: proposal list: several group context extensions proposals"
        case .reInitNotAlone: "group: proposal list: reinit with other proposals"
        case .externalInitInMemberCommit: "group: proposal list: external init in a member commit"
        case .invalidExternalCommit: "group: proposal list: invalid external commit"
        case .proposalByReferenceInExternalCommit: "group: external commit with a proposal by reference"
        case .duplicateEncryptionKey: "group: duplicate encryption key"
        case .duplicateSignatureKey: "group: duplicate signature key"
        case .pathRequired: "group: commit requires a path"
        case .missingPSK: "group: PSK not available"
        case .badConfirmationTag: "group: confirmation tag does not match"
        case .treeKEM(let error): "group: \(error)"
        case .tree(let error): "group: \(error)"
        case .welcome(let error): "group: \(error)"
        case .missingRatchetTree: "group: no ratchet tree for the welcome"
        case .groupInfoSignerBlank: "group: group info signer leaf is blank"
        case .badGroupInfoSignature: "group: group info signature does not verify"
        case .ourLeafNotFound: "group: our key package leaf is not in the tree"
        case .privateKeyMismatch: "group: private key does not match the public key"
        case .pathSecretMismatch: "group: path secret does not match the tree"
        case .multipleReInitOrBranchPSKs: "group: more than one reinit or branch PSK"
        case .missingExternalPub: "group: group info has no external_pub extension"
        case .crypto(let error): "group: \(error)"
        case .secretTree(let error): "group: \(error)"
        case .malformed(let error): "group: \(error)"
        case .invalidArgument: "group: invalid argument"
        case .unsupportedStateVersion(let version): "group: unsupported state format version \(version)"
        case .malformedState: "group: malformed state"
        case .notAuthorized: "group: not authorized by the group policy"
        case .proposalCacheFull: "group: too many proposals cached in this epoch"
        case .commitRequired: "group: proposals are pending; commit before sending application data"
        case .epochExhausted: "group: epoch counter exhausted"
        case .reInitOrBranchNotSupported: "group: welcome with a reinit or branch PSK needs the old group"
        case .malformedGroupContextExtension: "group: malformed group context extension"
        case .resumptionPSKWithAdds: "group: own resumption PSK together with adds"
        case .noRemovalPending: "group: no unconfirmed removal"
        case .notReinitialized: "group: no committed ReInit to start the new group from"
        case .resumptionMismatch: "group: the welcome does not match the group it resumes"
        }
    }
}
