import WireFormat

/// A proposal a Commit covers, with the sender it is attributed to (the committer for
/// proposals by value, the original sender for proposals by reference).
struct ResolvedProposal: Sendable {
    var proposal: Proposal
    var sender: Sender
}

/// Who commits: a member at its leaf, or an external joiner (`new_member_commit`).
enum Committer: Sendable, Equatable {
    case member(UInt32)
    case external
}

/// The ratchet tree and GroupContext extensions after a proposal list was applied
/// (RFC 9420 §12.3), and what the list changed.
struct AppliedProposals: Sendable {
    var tree: RatchetTree
    var extensions: [Extension]
    var extensionsReplaced = false
    /// Members added, in proposal order, with their validated KeyPackages.
    var added: [(member: GroupMember, keyPackage: KeyPackage)] = []
    var removed: [GroupMember] = []
    var updated: [UInt32] = []
    var psks: [PreSharedKeyID] = []
    var externalInit: ExternalInit?
    var reInit: ReInit?
    /// Whether the Commit must carry a path (§12.4.2).
    var pathRequired: Bool

    var addedLeaves: Set<UInt32> { Set(added.map(\.member.leafIndex)) }
}

extension MLSGroup {
    /// Checks a Commit's proposal list as a whole (RFC 9420 §12.2), and each proposal's own
    /// validity that needs no tree change (§12.1): every rule of §12.2 for member and external
    /// Commits. What needs the changed tree (KeyPackages and leaves against the new
    /// extensions, key uniqueness) is checked by ``applyProposals(_:committer:)``.
    func validateProposalList(_ list: [ResolvedProposal], committer: Committer) throws(MLSGroupError) {
        let tree = epoch.tree
        var touchedLeaves = Set<UInt32>()
        var psks = Set<PreSharedKeyID>()
        var gceCount = 0, reInitCount = 0, externalInitCount = 0, removeCount = 0
        for item in list {
            switch item.proposal {
            case .add:
                guard committer != .external else { throw .invalidExternalCommit }
            case .update:
                guard committer != .external else { throw .invalidExternalCommit }
                guard case .member(let leaf) = item.sender, tree.leaf(at: leaf) != nil else { throw .updateFromNonMember }
                if case .member(let committerLeaf) = committer, leaf == committerLeaf { throw .updateByCommitter }
                guard touchedLeaves.insert(leaf).inserted else { throw .duplicateUpdateOrRemove }
            case .remove(let remove):
                guard tree.leaf(at: remove.removed) != nil else { throw .removesBlankLeaf }
                if case .member(let committerLeaf) = committer, remove.removed == committerLeaf { throw .removesCommitter }
                guard touchedLeaves.insert(remove.removed).inserted else { throw .duplicateUpdateOrRemove }
                removeCount += 1
            case .preSharedKey(let proposal):
                try checkPSKID(proposal.psk, allowReInitOrBranch: resumptionLink?.id == proposal.psk)
                guard psks.insert(proposal.psk).inserted else { throw .duplicatePSK }
            case .reInit(let reInit):
                guard committer != .external else { throw .invalidExternalCommit }
                guard reInit.version.rawValue >= ProtocolVersion.mls10.rawValue else { throw .reInitVersion }
                reInitCount += 1
            case .externalInit:
                guard committer == .external else { throw .externalInitInMemberCommit }
                externalInitCount += 1
            case .groupContextExtensions:
                guard committer != .external else { throw .invalidExternalCommit }
                gceCount += 1
            }
        }
        guard gceCount <= 1 else { throw .multipleGroupContextExtensions }
        if reInitCount > 0, list.count > 1 { throw .reInitNotAlone }
        if committer == .external {
            guard externalInitCount == 1, removeCount <= 1 else { throw .invalidExternalCommit }
        }
        // §12.2 "a non-default proposal type not supported by some members": every proposal type
        // this implementation decodes is a default type, which every member supports (§7.2).
    }

    /// A PreSharedKeyID's own validity (§8.4, §12.1.4): a `KDF.Nh`-byte nonce, and resumption
    /// usage `application` unless the caller handles a reinit or branch.
    func checkPSKID(_ id: PreSharedKeyID, allowReInitOrBranch: Bool) throws(MLSGroupError) {
        guard id.nonce.count == crypto.hashLength else { throw .pskNonceLength }
        if case .resumption(let usage, _, _) = id.kind, usage != .application, !allowReInitOrBranch {
            throw .pskUsageNotAllowed
        }
    }

    /// Applies a validated proposal list to the current tree and extensions, in the order of
    /// RFC 9420 §12.3 (GroupContextExtensions, Updates, Removes, Adds, then PSKs, ExternalInit
    /// and ReInit noted), checking what needs the changed state: the new extensions are
    /// supported by every remaining member and their `required_capabilities` met; every
    /// Update leaf and every Add KeyPackage is valid against the new extensions (§7.3, §10.1);
    /// no Add duplicates a client in the group or in the list (same signature key); and no
    /// encryption or signature key appears twice afterwards.
    func applyProposals(_ list: [ResolvedProposal], committer: Committer) throws(MLSGroupError) -> AppliedProposals {
        let groupID = epoch.groupContext.groupID
        var result = AppliedProposals(
            tree: epoch.tree, extensions: epoch.groupContext.extensions,
            pathRequired: list.isEmpty || committer == .external || list.contains { $0.proposal.proposalType.requiresPath })
        var updates: [(UInt32, LeafNode)] = []
        var removes: [UInt32] = []
        var adds: [KeyPackageIn] = []
        for item in list {
            switch item.proposal {
            case .groupContextExtensions(let proposal):
                result.extensions = proposal.extensions
                result.extensionsReplaced = true
            case .update(let update):
                if case .member(let leaf) = item.sender { updates.append((leaf, update.leafNode)) }
            case .remove(let remove): removes.append(remove.removed)
            case .add(let add): adds.append(add.keyPackage)
            case .preSharedKey(let proposal): result.psks.append(proposal.psk)
            case .externalInit(let proposal): result.externalInit = proposal
            case .reInit(let proposal): result.reInit = proposal
            }
        }
        if updates.isEmpty, removes.isEmpty, adds.isEmpty, !result.extensionsReplaced { return result }

        let validator = configuration.leafValidator(crypto)
        var requirements = try requirementsFor(extensions: result.extensions, tree: result.tree)

        // Updates (§12.1.2): a valid leaf of source `update` with a new encryption key.
        for (leafIndex, leaf) in updates {
            guard let old = result.tree.leaf(at: leafIndex) else { throw .updateFromNonMember }
            do {
                try validator.validate(leaf, in: .update(groupID: groupID, leafIndex: leafIndex, replacing: old), requirements: requirements)
                try result.tree.update(leafAt: leafIndex, with: leaf)
            } catch let error as LeafNodeValidationError {
                throw .invalidLeafNode(error)
            } catch {
                throw .removesBlankLeaf
            }
            result.updated.append(leafIndex)
        }
        // Removes (§12.1.3).
        for leafIndex in removes {
            guard let old = result.tree.leaf(at: leafIndex) else { throw .removesBlankLeaf }
            result.removed.append(GroupMember(leafIndex: leafIndex, credential: old.credential, signatureKey: old.signatureKey))
            do {
                try result.tree.remove(leafAt: leafIndex)
            } catch {
                throw .tree(error)
            }
        }
        // The new extensions must be supported by every member that stays (§12.1.7, §13.4).
        if result.extensionsReplaced { try checkExtensionsSupported(result.extensions, requirements: requirements, tree: result.tree) }
        // Adds (§12.1.1), in list order, each KeyPackage valid against the new requirements.
        if !adds.isEmpty {
            if !removes.isEmpty || !updates.isEmpty { requirements = try requirementsFor(extensions: result.extensions, tree: result.tree) }
            var signatureKeys = Set<[UInt8]>()
            for index in result.tree.occupiedLeaves {
                if let leaf = result.tree.leaf(at: index) { signatureKeys.insert(leaf.signatureKey) }
            }
            var addedKeys = Set<[UInt8]>()
            for keyPackage in adds {
                let key = keyPackage.leafNode.signatureKey
                guard !signatureKeys.contains(key) else { throw .addsExistingMember }
                guard addedKeys.insert(key).inserted else { throw .duplicateAdd }
            }
            // The signatures dominate a large Add list: checked in parallel, the first failure
            // in list order reported.
            let checkedRequirements = requirements, candidates = adds
            let outcomes = parallelMap(count: adds.count) { i -> Result<KeyPackage, KeyPackageValidationError> in
                Result { () throws(KeyPackageValidationError) -> KeyPackage in
                    try candidates[i].validate(validator: validator, requirements: checkedRequirements)
                }
            }
            var validated: [KeyPackage] = []
            validated.reserveCapacity(adds.count)
            for outcome in outcomes {
                switch outcome {
                case .success(let keyPackage): validated.append(keyPackage)
                case .failure(let error): throw .invalidKeyPackage(error)
                }
            }
            let indices = result.tree.add(validated.map(\.leafNode))
            for (index, keyPackage) in zip(indices, validated) {
                let leaf = keyPackage.leafNode
                result.added.append((GroupMember(leafIndex: index, credential: leaf.credential, signatureKey: leaf.signatureKey), keyPackage))
            }
        }
        // §7.3: encryption keys unique among all nodes, signature keys among all leaves.
        if !updates.isEmpty || !adds.isEmpty { try checkKeyUniqueness(result.tree) }
        return result
    }

    /// The group's requirements on a leaf under `extensions`, with `tree`'s members (§7.3, §11.1).
    func requirementsFor(extensions: [Extension], tree: RatchetTree) throws(MLSGroupError) -> GroupRequirements {
        // Read in place from the nodes: copying each LeafNode out of a 10,000-member tree was
        // a good part of processing a Commit (profile of the steady-state bench).
        let credentials = tree.nodes.lazy.compactMap { node -> (inUse: CredentialType, supported: [CredentialType])? in
            guard case .leaf(let leaf)? = node else { return nil }
            return (leaf.credential.credentialType, leaf.capabilities.credentials)
        }
        do {
            return try GroupRequirements(groupContextExtensions: extensions, credentials: credentials)
        } catch {
            throw .malformedGroupContextExtension
        }
    }

    /// No encryption key on two nodes and no signature key on two leaves (§7.3). O(n), each key
    /// hashed in one pass over its bytes (see ``KeyBytes``).
    func checkKeyUniqueness(_ tree: RatchetTree) throws(MLSGroupError) {
        var encryptionKeys = Set<KeyBytes>(minimumCapacity: tree.nodes.count)
        var signatureKeys = Set<KeyBytes>(minimumCapacity: tree.leafCount)
        for node in tree.nodes {
            guard let node else { continue }
            guard encryptionKeys.insert(KeyBytes(node.encryptionKey)).inserted else { throw .duplicateEncryptionKey }
            if case .leaf(let leaf) = node, !signatureKeys.insert(KeyBytes(leaf.signatureKey)).inserted { throw .duplicateSignatureKey }
        }
    }

    /// After a Commit path replaced only the committer's leaf (the path's encryption keys are
    /// checked against every node by `mergeUpdatePath`): its signature key appears on no other
    /// leaf (§7.3). A byte comparison per leaf, no hashing.
    ///
    /// - Parameter previousKey: the signature key of the leaf the path replaced, in a tree whose
    ///   signature keys were unique (every tree this module holds is). A leaf that kept it
    ///   changes nothing, so the O(n) scan is skipped (the common case: members keep their
    ///   signature key across Commits).
    func checkSignatureKeyUnique(ofLeaf leafIndex: UInt32, in tree: RatchetTree, previousKey: [UInt8]? = nil) throws(MLSGroupError) {
        guard let key = tree.leaf(at: leafIndex)?.signatureKey, key != previousKey else { return }
        let own = Int(leafIndex) * 2
        for x in stride(from: 0, to: tree.nodes.count, by: 2) where x != own {
            if case .leaf(let leaf) = tree.nodes[x], leaf.signatureKey == key { throw .duplicateSignatureKey }
        }
    }
}

extension MLSGroup {
    /// One proposal's own validity (RFC 9420 §12.1): the checks that do not depend on the other
    /// proposals a Commit may carry with it, so that every member reaches the same verdict when
    /// the proposal arrives. An Add's KeyPackage is valid on its own (§10.1: version, suite,
    /// leaf, lifetime against the clock, credential, signature; its fit with the group's
    /// extensions, which a GroupContextExtensions in the same Commit may change, and with the
    /// members, which a Remove may change, is checked with the list); an Update (§12.1.2) comes
    /// from a member, and its leaf is valid with a new encryption key and a credential that is
    /// a valid successor; a Remove (§12.1.3) names a non-blank leaf; a PreSharedKey (§12.1.4)
    /// has a `KDF.Nh` nonce, usage `application`, and is available; a ReInit (§12.1.5) names a
    /// version no older than the group's; a GroupContextExtensions whose `external_senders`
    /// does not decode or names a credential the Authentication Service refuses is invalid
    /// (§5.3.1); an ExternalInit is never sent on its own (§12.1.6: only by value in an external
    /// Commit).
    func checkProposalOnItsOwn(_ proposal: Proposal, sender: Sender) throws(MLSGroupError) {
        let tree = epoch.tree
        switch proposal {
        case .add(let add):
            do {
                _ = try add.keyPackage.validate(validator: configuration.leafValidator(crypto), requirements: .none)
            } catch {
                throw .invalidKeyPackage(error)
            }
        case .update(let update):
            guard case .member(let leafIndex) = sender, let old = tree.leaf(at: leafIndex) else { throw .updateFromNonMember }
            do {
                try configuration.leafValidator(crypto).validate(
                    update.leafNode, in: .update(groupID: groupID, leafIndex: leafIndex, replacing: old), requirements: .none)
            } catch {
                throw .invalidLeafNode(error)
            }
        case .remove(let remove):
            guard tree.leaf(at: remove.removed) != nil else { throw .removesBlankLeaf }
        case .preSharedKey(let psk):
            try checkPSKID(psk.psk, allowReInitOrBranch: false)
            _ = try resolvePSKs([psk.psk])
        case .reInit(let reInit):
            guard reInit.version.rawValue >= ProtocolVersion.mls10.rawValue else { throw .reInitVersion }
        case .externalInit:
            throw .externalInitInMemberCommit
        case .groupContextExtensions(let gce):
            try checkExternalSenders(in: gce.extensions)
        }
    }

    /// Every member of `tree` supports every extension in `extensions` and meets their
    /// `required_capabilities` (§12.1.7, §13.4); a new `external_senders` decodes and each
    /// sender's credential is accepted by the Authentication Service (§5.3.1).
    func checkExtensionsSupported(_ extensions: [Extension], requirements: GroupRequirements, tree: RatchetTree) throws(MLSGroupError) {
        for index in tree.occupiedLeaves {
            guard let leaf = tree.leaf(at: index) else { continue }
            for e in extensions where !leaf.capabilities.supports(extension: e.extensionType) {
                throw .extensionNotSupportedByMembers
            }
            if let required = requirements.requiredCapabilities, !required.isSatisfied(by: leaf.capabilities) {
                throw .requiredCapabilitiesNotMet
            }
        }
        try checkExternalSenders(in: extensions)
    }

    /// An `external_senders` extension in `extensions` decodes, and the Authentication Service
    /// accepts each sender's credential (§5.3.1: "When an external_senders extension is added to
    /// the group / is updated").
    func checkExternalSenders(in extensions: [Extension]) throws(MLSGroupError) {
        if let data = extensions.first(ofType: .externalSenders)?.extensionData {
            let senders = try Self.decodeExternalSenders(data)
            for sender in senders {
                do {
                    try configuration.credentialValidator.validate(sender.credential, signatureKey: sender.signatureKey)
                } catch {
                    throw .invalidLeafNode(.credentialRejected(error))
                }
            }
        }
    }

    /// Decodes an `external_senders` extension (§12.1.8.1).
    static func decodeExternalSenders(_ data: [UInt8]) throws(MLSGroupError) -> [ExternalSender] {
        do {
            var reader = WireReader(data)
            let senders = try reader.readVector(of: ExternalSender.self)
            guard reader.isAtEnd else { throw WireFormatError.trailingBytes }
            return senders
        } catch {
            throw .externalSendersMalformed
        }
    }
}
