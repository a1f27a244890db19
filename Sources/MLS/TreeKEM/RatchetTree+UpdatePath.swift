import WireFormat

/// What ``RatchetTree/createUpdatePath(from:leafSecret:excludingLeaves:signLeaf:groupContext:)``
/// produces: the UpdatePath to send and the committer's secrets.
public struct CreatedUpdatePath: Sendable {
    /// The UpdatePath for the Commit.
    public var updatePath: UpdatePath
    /// `path_secret[n+1]`, the commit secret for the key schedule (RFC 9420 §12.4.1).
    public var commitSecret: Secret
    /// The path secret of each node of the filtered direct path, by node index: the committer
    /// sends the one of the lowest common ancestor to each new member in the Welcome.
    public var pathSecrets: [(node: Int, secret: Secret)]
    /// The committer's private keys in the new tree.
    public var privateState: TreeKEMPrivateState
}

/// What decrypting an UpdatePath gives a member (RFC 9420 §7.5).
public struct DecryptedUpdatePath: Sendable {
    /// The member's private keys in the merged tree.
    public var privateState: TreeKEMPrivateState
    /// The commit secret.
    public var commitSecret: Secret
    /// The node whose path secret was decrypted (the lowest common ancestor with the sender).
    public var decryptedNode: Int
    /// That node's path secret.
    public var pathSecret: Secret
}

extension RatchetTree {
    /// Creates an UpdatePath for the member at `sender` (RFC 9420 §7.4–§7.6, §12.4.1) and
    /// applies it to this tree: blanks the sender's direct path, derives the path secrets from
    /// `leafSecret` (the leaf's key from `DeriveSecret(leafSecret, "node")`, `path_secret[0]` =
    /// `DeriveSecret(leafSecret, "path")`), sets the new keys along the filtered direct path,
    /// computes the parent hashes root to leaf, installs the leaf `signLeaf` signs for the leaf's
    /// parent hash and new encryption key, and encrypts each path secret to the copath
    /// resolution (without `excludedLeaves`, the members added by the same Commit) under the
    /// provisional GroupContext that `groupContext` encodes for the new tree hash.
    ///
    /// - Parameters:
    ///   - leafSecret: fresh randomness of `KDF.Nh` bytes.
    ///   - signLeaf: builds and signs the new LeafNode (source `commit`) from its parent hash and
    ///     encryption key.
    ///   - groupContext: the encoded provisional GroupContext for a tree hash.
    public mutating func createUpdatePath(
        from sender: UInt32,
        leafSecret: Secret,
        excludingLeaves excludedLeaves: Set<UInt32> = [],
        signLeaf: (_ parentHash: [UInt8], _ encryptionKey: [UInt8]) throws(MLSCryptoError) -> LeafNode,
        groupContext: (_ treeHash: [UInt8]) -> [UInt8]
    ) throws(TreeKEMError) -> CreatedUpdatePath {
        guard leaf(at: sender) != nil else { throw .senderBlank }
        // Work on a copy and install it only at the end: signing or HPKE may throw, and an error
        // must leave this tree as it was (review L1).
        var candidate = self
        let leafNodeIndex = Int(sender) * 2
        candidate.blankDirectPath(of: leafNodeIndex)
        let path = candidate.filteredDirectPath(ofLeaf: sender)

        // Secrets and keys, leaf to root.
        let leafKey = try TreeKEMPrivateState.nodeKey(fromPathSecret: leafSecret, crypto: crypto)
        var privateState = TreeKEMPrivateState(leafIndex: sender, leafKey: leafKey)
        var pathSecrets: [(node: Int, secret: Secret)] = []
        var secret = leafSecret
        for node in path {
            secret = try TreeKEMPrivateState.nextPathSecret(secret, crypto: crypto)
            pathSecrets.append((node, secret))
            try privateState.setPathSecret(secret, forNode: node, crypto: crypto)
        }
        let commitSecret = try TreeKEMPrivateState.nextPathSecret(secret, crypto: crypto)

        // New parent nodes with their parent hashes, then the signed leaf.
        let publicKeys = path.map { privateState.pathKeys[$0]?.publicKey ?? [] }
        let leafParentHash = candidate.setPathNodes(path, publicKeys: publicKeys, sender: leafNodeIndex)
        let newLeaf: LeafNode
        do {
            newLeaf = try signLeaf(leafParentHash, leafKey.publicKey)
        } catch {
            throw .crypto(error)
        }
        candidate.setNode(leafNodeIndex, .leaf(newLeaf))

        // Encrypt each path secret to the copath resolution under the provisional context.
        let context = groupContext(candidate.treeHash())
        var nodes: [UpdatePathNode] = []
        for (i, node) in path.enumerated() {
            let copathChild = candidate.copathChild(of: node, towards: leafNodeIndex)
            // The encoded path secret is ordinary memory: wipe it after this node (review L5).
            var plaintext = pathSecrets[i].secret.exportedBytes
            defer { Zeroize.bytes(&plaintext) }
            var ciphertexts: [HPKECiphertext] = []
            for recipient in candidate.resolution(ofNode: copathChild, excludingLeaves: excludedLeaves) {
                guard let key = candidate.node(at: recipient)?.encryptionKey else { continue }
                do {
                    let sealed = try crypto.encryptWithLabel(publicKey: key, label: "UpdatePathNode", context: context, plaintext: plaintext)
                    ciphertexts.append(HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))
                } catch {
                    throw .crypto(error)
                }
            }
            nodes.append(UpdatePathNode(encryptionKey: publicKeys[i], encryptedPathSecret: ciphertexts))
        }
        self = candidate
        return CreatedUpdatePath(
            updatePath: UpdatePath(leafNode: newLeaf, nodes: nodes),
            commitSecret: commitSecret,
            pathSecrets: pathSecrets,
            privateState: privateState
        )
    }

    /// Merges a received UpdatePath from `sender` into this tree (RFC 9420 §7.5): blanks the
    /// sender's direct path, sets the path's keys along the filtered direct path with empty
    /// unmerged lists, computes their parent hashes and checks that the new leaf's
    /// `parent_hash` matches. Also checks the path's shape against the tree: one node per
    /// filtered-direct-path node, one ciphertext per copath resolution node (without
    /// `excludedLeaves`), every public key decodes with the suite's KEM, and no public key
    /// already appears in the tree (the sender's old direct path included).
    ///
    /// Validating the leaf node itself (signature, credential, capabilities) is the caller's
    /// job, with ``LeafNodeValidator`` in the `.commit` context. On error the tree is unchanged.
    public mutating func mergeUpdatePath(_ path: UpdatePath, from sender: UInt32, excludingLeaves excludedLeaves: Set<UInt32> = []) throws(TreeKEMError) {
        guard leaf(at: sender) != nil else { throw .senderBlank }
        guard case .commit(let leafParentHash) = path.leafNode.source else { throw .leafSourceNotCommit }
        var candidate = self
        let leafNodeIndex = Int(sender) * 2
        candidate.blankDirectPath(of: leafNodeIndex)
        candidate.setNode(leafNodeIndex, nil)
        let filtered = candidate.filteredDirectPath(ofLeaf: sender)
        guard filtered.count == path.nodes.count else { throw .pathLength }
        for (node, pathNode) in zip(filtered, path.nodes) {
            let copathChild = candidate.copathChild(of: node, towards: leafNodeIndex)
            let resolution = candidate.resolution(ofNode: copathChild, excludingLeaves: excludedLeaves)
            guard resolution.count == pathNode.encryptedPathSecret.count else { throw .ciphertextCount }
        }
        // Keys hashed in one pass over their bytes (``KeyBytes``): every node's key is looked up
        // below, and hashing 1,216-byte X-Wing keys byte by byte dominated processing a Commit.
        var newKeys = Set<KeyBytes>()
        for key in [path.leafNode.encryptionKey] + path.nodes.map(\.encryptionKey) {
            // RFC 9420 §12.4.2: the keys must be usable; a key that does not decode would make
            // every later commit encrypting to it fail (review M3).
            guard crypto.isValidHPKEPublicKey(key) else { throw .invalidPublicKey }
            guard newKeys.insert(KeyBytes(key)).inserted else { throw .keyAlreadyInTree }
        }
        // §12.4.2: "none of the public keys in the UpdatePath appear in any node of the new
        // ratchet tree", the tree before the merge: the sender's old direct-path keys included
        // (re-sending them would give no post-compromise security). The sender's leaf slot is
        // skipped: for an external joiner it already holds the path's leaf.
        for (index, node) in nodes.enumerated() where index != leafNodeIndex {
            if let key = node?.encryptionKey, newKeys.contains(KeyBytes(key)) { throw .keyAlreadyInTree }
        }
        let computed = candidate.setPathNodes(filtered, publicKeys: path.nodes.map(\.encryptionKey), sender: leafNodeIndex)
        guard computed == leafParentHash else { throw .parentHashMismatch }
        candidate.setNode(leafNodeIndex, .leaf(path.leafNode))
        self = candidate
    }

    /// Decrypts the path secret of an UpdatePath from `sender` that was already merged into this
    /// tree, as the member holding `privateState` (RFC 9420 §7.5): finds the filtered-direct-path
    /// node whose copath child covers the member, decrypts with a key the member holds in that
    /// child's resolution, derives the path secrets above it, checks every derived public key
    /// against the tree, and returns the new private state and the commit secret.
    ///
    /// - Parameters:
    ///   - groupContext: the encoded provisional GroupContext (its tree hash is this tree's).
    ///   - excludedLeaves: the members added by the same Commit (they have no ciphertext).
    public func decryptPathSecret(
        of path: UpdatePath,
        from sender: UInt32,
        privateState: TreeKEMPrivateState,
        groupContext: [UInt8],
        excludingLeaves excludedLeaves: Set<UInt32> = []
    ) throws(TreeKEMError) -> DecryptedUpdatePath {
        // `sender` comes from the Commit's framing: outside the tree it would index past `nodes`.
        guard leaf(at: sender) != nil else { throw .senderBlank }
        let senderNode = Int(sender) * 2
        let memberNode = Int(privateState.leafIndex) * 2
        let filtered = filteredDirectPath(ofLeaf: sender)
        guard filtered.count == path.nodes.count else { throw .pathLength }
        guard let position = filtered.firstIndex(where: { TreeArray.isInSubtree(memberNode, of: $0) }), memberNode != senderNode else {
            throw .noDecryptionKey
        }
        let copathChild = copathChild(of: filtered[position], towards: senderNode)
        let resolution = resolution(ofNode: copathChild, excludingLeaves: excludedLeaves)
        let ciphertexts = path.nodes[position].encryptedPathSecret
        guard resolution.count == ciphertexts.count else { throw .ciphertextCount }
        guard let slot = resolution.firstIndex(where: { privateState.privateKey(forNode: $0) != nil }),
            let key = privateState.privateKey(forNode: resolution[slot])
        else { throw .noDecryptionKey }

        let decrypted: Secret
        do {
            decrypted = Secret(
                bytes: try crypto.decryptWithLabel(
                    privateKey: key, label: "UpdatePathNode", context: groupContext,
                    kemOutput: ciphertexts[slot].kemOutput, ciphertext: ciphertexts[slot].ciphertext))
        } catch {
            throw .crypto(error)
        }

        var state = privateState
        for node in TreeArray.directPath(of: senderNode, leafCount: leafCount) { state.removePathKey(forNode: node) }
        var secret = decrypted
        for i in position..<filtered.count {
            if i > position { secret = try TreeKEMPrivateState.nextPathSecret(secret, crypto: crypto) }
            let key = try TreeKEMPrivateState.nodeKey(fromPathSecret: secret, crypto: crypto)
            guard key.publicKey == path.nodes[i].encryptionKey, parent(atNode: filtered[i])?.encryptionKey == key.publicKey else {
                throw .publicKeyMismatch
            }
            try state.setPathSecret(secret, forNode: filtered[i], crypto: crypto)
        }
        let commitSecret = try TreeKEMPrivateState.nextPathSecret(secret, crypto: crypto)
        return DecryptedUpdatePath(privateState: state, commitSecret: commitSecret, decryptedNode: filtered[position], pathSecret: decrypted)
    }

    /// The child of `node` that is not on the direct path of `leafNode` (its copath child).
    func copathChild(of node: Int, towards leafNode: Int) -> Int {
        let left = TreeArray.left(node)
        return TreeArray.isInSubtree(leafNode, of: left) ? TreeArray.right(node) : left
    }

    /// Sets the parent nodes of a filtered direct path (leaf to root) to `publicKeys` with empty
    /// unmerged lists and their parent hashes, computed root to leaf (RFC 9420 §7.9): the top
    /// node's is empty, each lower node's is the parent hash of the node above with that node's
    /// copath child as sibling. Returns the parent hash for the leaf.
    mutating func setPathNodes(_ path: [Int], publicKeys: [[UInt8]], sender leafNode: Int) -> [UInt8] {
        var parentHash: [UInt8] = []
        for i in path.indices.reversed() {
            let node = ParentNode(encryptionKey: publicKeys[i], parentHash: parentHash, unmergedLeaves: [])
            setNode(path[i], .parent(node))
            parentHash = self.parentHash(ofParent: path[i], parent: node, sibling: copathChild(of: path[i], towards: leafNode))
        }
        return parentHash
    }
}
