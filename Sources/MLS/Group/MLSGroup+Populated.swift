/// One client of a group built by ``MLSGroup/populated(groupID:cipherSuite:members:statesFor:configuration:)``:
/// its KeyPackage leaf (source `key_package`) and the private keys behind it.
@_spi(Benchmark)
public struct PopulatedGroupMember: Sendable {
    public var leafNode: LeafNode
    public var encryptionKey: HPKEPrivateKey
    public var signer: SignaturePrivateKey

    public init(leafNode: LeafNode, encryptionKey: HPKEPrivateKey, signer: SignaturePrivateKey) {
        self.leafNode = leafNode
        self.encryptionKey = encryptionKey
        self.signer = signer
    }
}

extension MLSGroup {
    /// The states of a few members of a large group whose ratchet tree is fully populated, as
    /// it is once its members have committed: for benchmarks of the steady state, where a
    /// Commit's path encrypts to one node per level instead of to every leaf.
    ///
    /// Building it with real Commits would take one client state per member and every member
    /// processing every Commit. Instead this replays the tree operations those Commits make,
    /// with the same code: `members[0]` creates the group and adds everyone else in one Commit
    /// without a path (all parents blank, as after the mass add of the worst-case benchmark);
    /// then every even leaf, from the highest down to leaf 0, commits a path (RFC 9420 §7.4-§7.9:
    /// fresh path secrets, node keys derived from them, parent hashes root to leaf, its new leaf
    /// of source `commit` signed with its own key). Every parent node ends up non-blank with no
    /// unmerged leaves, each linked to its left child, and the tree is what those 1 + n/2
    /// Commits would have left: valid for a joiner (``RatchetTree/init(validating:crypto:groupID:expectedTreeHash:groupContextExtensions:leafValidator:maximumLeafCount:)``).
    /// The HPKE encryptions of those Commits are skipped: they change no public state.
    ///
    /// The members named in `statesFor` get the private keys the Commits would have given them
    /// (their leaf key, and the key of every parent on their direct path), and all share one
    /// epoch whose key schedule starts from fresh random `init_secret` and `commit_secret`, with
    /// a random confirmed transcript hash (the transcript of the skipped Commits).
    ///
    /// Not for production: the epoch secrets come from no real Commit.
    @_spi(Benchmark)
    public static func populated(
        groupID: [UInt8], cipherSuite: CipherSuite, members: [PopulatedGroupMember], statesFor wanted: [UInt32], configuration: Configuration
    ) throws(MLSGroupError) -> [MLSGroup] {
        let crypto: CryptoSuite
        do {
            crypto = try cipherSuite.crypto()
        } catch {
            throw .crypto(error)
        }
        guard let creator = members.first, wanted.allSatisfy({ Int($0) < members.count }) else { throw .tree(.leafOutOfRange) }
        var tree = RatchetTree(crypto: crypto, creator: creator.leafNode)
        tree.add(members.dropFirst().map(\.leafNode))

        // The nodes whose private keys the wanted members hold, and their latest keys.
        var wantedNodes = Set<Int>()
        for leaf in wanted { wantedNodes.formUnion(TreeArray.directPath(of: Int(leaf) * 2, leafCount: tree.leafCount)) }
        var nodeKeys: [Int: HPKEPrivateKey] = [:]
        var leafKeys: [UInt32: HPKEPrivateKey] = [:]

        // The leaves never change occupancy here, so each committer's filtered path is fixed.
        let committers = Array(stride(from: (members.count - 1) & ~1, through: 0, by: -2)).map { UInt32($0) }
        let batch = 64
        for start in stride(from: 0, to: committers.count, by: batch) {
            let chunk = Array(committers[start..<min(committers.count, start + batch)])
            let paths = chunk.map { tree.filteredDirectPath(ofLeaf: $0) }
            let leafSecrets = chunk.map { _ in configuration.random.randomSecret(count: crypto.hashLength) }
            // Key derivation dominates and is independent per Commit: in parallel.
            let derived = parallelMap(count: chunk.count, chunkSize: 4) { i -> Result<PathSecrets, TreeKEMError> in
                Result { () throws(TreeKEMError) -> PathSecrets in
                    try PathSecrets(leafSecret: leafSecrets[i], count: paths[i].count, crypto: crypto, parallel: false)
                }
            }
            for (i, leafIndex) in chunk.enumerated() {
                let member = members[Int(leafIndex)]
                do {
                    let secrets = try derived[i].get()
                    _ = try tree.installPath(paths[i], secrets: secrets, sender: leafIndex) { (parentHash, encryptionKey) throws(MLSCryptoError) -> LeafNode in
                        var leaf = member.leafNode
                        leaf.encryptionKey = encryptionKey
                        leaf.source = .commit(parentHash: parentHash)
                        leaf.signature = try crypto.signWithLabel(
                            privateKey: member.signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: groupID, leafIndex: leafIndex))
                        return leaf
                    }
                    leafKeys[leafIndex] = secrets.leafKey
                    for (node, key) in zip(paths[i], secrets.nodeKeys) where wantedNodes.contains(node) { nodeKeys[node] = key }
                } catch {
                    throw .treeKEM(error)
                }
            }
        }

        let context = GroupContext(
            cipherSuite: cipherSuite, groupID: groupID, epoch: UInt64(committers.count + 1), treeHash: tree.treeHash(),
            confirmedTranscriptHash: configuration.random.randomBytes(count: crypto.hashLength), extensions: [])
        let initSecret = configuration.random.randomSecret(count: crypto.hashLength)
        let commitSecret = configuration.random.randomSecret(count: crypto.hashLength)
        var groups: [MLSGroup] = []
        for leafIndex in wanted {
            let member = members[Int(leafIndex)]
            var privateState = TreeKEMPrivateState(leafIndex: leafIndex, leafKey: leafKeys[leafIndex] ?? member.encryptionKey)
            for node in TreeArray.directPath(of: Int(leafIndex) * 2, leafCount: tree.leafCount) {
                if let key = nodeKeys[node] { privateState.setPathKey(key, forNode: node) }
            }
            guard privateState.isConsistent(with: tree) else { throw .privateKeyMismatch }
            let next = try nextEpoch(
                crypto: crypto, configuration: configuration, context: context, tree: tree, privateState: privateState, initSecret: initSecret,
                commitSecret: commitSecret, pskSecret: nil, confirmationTag: nil)
            groups.append(MLSGroup(crypto: crypto, signer: member.signer, epoch: next.state, configuration: configuration))
        }
        return groups
    }
}
