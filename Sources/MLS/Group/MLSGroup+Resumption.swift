extension MLSGroup {
    /// A new group resuming another (RFC 9420 §11.2, §11.3), with its first Commit merged.
    public struct Resumed: Sendable {
        /// The new group, in epoch 1.
        public var group: MLSGroup
        /// What the first Commit did; ``CommitSummary/welcome`` is the Welcome for the members,
        /// carrying the `reinit` or `branch` resumption PSK they check against the old group.
        public var summary: CommitSummary
    }

    /// Reinitializes `old` after a ReInit was committed there (§11.2, step 3): a new group with
    /// the ReInit's group ID, version, suite and extensions, whose first Commit adds
    /// `keyPackages` (new KeyPackages of the old group's other members, in the new suite) and
    /// injects the old group's resumption PSK with usage `reinit` for its last epoch.
    ///
    /// The Commit has no other member to reach, so it is merged at once; send the Welcome.
    /// - Throws: ``MLSGroupError/notReinitialized`` unless `old` is
    ///   ``Status/reinitialized(_:)``.
    public static func reinitializing(
        _ old: MLSGroup, leafNode: LeafNode, encryptionKey: HPKEPrivateKey, signer: SignaturePrivateKey, adding keyPackages: [KeyPackageIn],
        configuration: Configuration
    ) throws(MLSGroupError) -> Resumed {
        guard case .reinitialized(let reInit) = old.status else { throw .notReinitialized }
        guard reInit.version == .mls10 else { throw .reInitVersion }
        var group = try MLSGroup(
            creating: reInit.groupID, cipherSuite: reInit.cipherSuite, leafNode: leafNode, encryptionKey: encryptionKey, signer: signer,
            extensions: reInit.extensions, configuration: configuration)
        return try group.firstCommit(resuming: old, usage: .reinit, adding: keyPackages)
    }

    /// Branches a subgroup off `old` (§11.3): a new group `groupID` with the old group's version
    /// and suite (and, unless given, its GroupContext extensions), whose first Commit adds
    /// `keyPackages` (new KeyPackages of some of the old group's members) and injects the old
    /// group's current resumption PSK with usage `branch` and a fresh nonce.
    public static func branching(
        _ old: MLSGroup, groupID: [UInt8], leafNode: LeafNode, encryptionKey: HPKEPrivateKey, signer: SignaturePrivateKey,
        extensions: [Extension]? = nil, adding keyPackages: [KeyPackageIn], configuration: Configuration
    ) throws(MLSGroupError) -> Resumed {
        try old.requireActive()
        var group = try MLSGroup(
            creating: groupID, cipherSuite: old.cipherSuite, leafNode: leafNode, encryptionKey: encryptionKey, signer: signer,
            extensions: extensions ?? old.groupContext.extensions, configuration: configuration)
        return try group.firstCommit(resuming: old, usage: .branch, adding: keyPackages)
    }

    /// The first Commit of a resuming group: Adds and the `usage` PSK of `old`'s current epoch.
    private mutating func firstCommit(
        resuming old: MLSGroup, usage: ResumptionPSKUsage, adding keyPackages: [KeyPackageIn]
    ) throws(MLSGroupError) -> Resumed {
        guard let psk = old.resumptionPSKs[old.epochNumber] else { throw .missingPSK }
        let id = PreSharedKeyID(
            kind: .resumption(usage: usage, groupID: old.groupID, epoch: old.epochNumber),
            nonce: configuration.random.randomBytes(count: crypto.hashLength))
        resumptionLink = (id, psk)
        defer { resumptionLink = nil }
        _ = try commit(CommitOptions(adding: keyPackages, psks: [id], includePendingProposals: false))
        let summary = try mergePendingCommit()
        return Resumed(group: self, summary: summary)
    }

    /// §12.4.3.1: a Welcome with a `reinit` or `branch` PSK must give epoch 1 and fit the group
    /// it resumes. Members "match" when their credentials are equal (for Letterlock, the same
    /// account and device).
    static func checkResumption(
        usage: ResumptionPSKUsage, pskEpoch: UInt64, old: MLSGroup, context: GroupContext, tree: RatchetTree
    ) throws(MLSGroupError) {
        guard context.epoch == 1 else { throw .resumptionMismatch }
        let newMembers = Set(tree.occupiedLeaves.compactMap { tree.leaf(at: $0)?.credential })
        let oldMembers = Set(old.members.map(\.credential))
        switch usage {
        case .reinit:
            // The last Commit to the old group carried the ReInit, and this is its epoch.
            guard case .reinitialized(let reInit) = old.status, pskEpoch == old.epochNumber, reInit.groupID == context.groupID,
                reInit.version == context.version, reInit.cipherSuite == context.cipherSuite, reInit.extensions == context.extensions,
                oldMembers.isSubset(of: newMembers)
            else { throw .resumptionMismatch }
        case .branch:
            guard context.version == old.groupContext.version, context.cipherSuite == old.cipherSuite, newMembers.isSubset(of: oldMembers) else {
                throw .resumptionMismatch
            }
        case .application:
            break
        }
    }
}
