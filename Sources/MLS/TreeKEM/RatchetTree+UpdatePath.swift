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
    /// Cost: O(log n) hashes and key derivations plus one HPKE encryption per copath
    /// resolution node; the key derivations and the encryptions run in parallel across cores
    /// (the ciphertexts keep the resolution order). The tree is changed in place, never copied:
    /// on error the leaf and its direct path, the only nodes touched, are put back.
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
        let leafNodeIndex = Int(sender) * 2
        // Blanking the direct path changes no copath resolution: the filtered path is the same
        // before and after.
        let path = filteredDirectPath(ofLeaf: sender)
        let secrets = try PathSecrets(leafSecret: leafSecret, count: path.count, crypto: crypto)

        // An error must leave this tree as it was (review L1): keep the nodes about to change.
        let touched = [leafNodeIndex] + TreeArray.directPath(of: leafNodeIndex, leafCount: leafCount)
        let saved = touched.map { nodes[$0] }
        do {
            let newLeaf = try installPath(path, secrets: secrets, sender: sender, signLeaf: signLeaf)
            let context = groupContext(treeHash())
            let pathNodes = try encryptPathSecrets(secrets, path: path, sender: leafNodeIndex, excludingLeaves: excludedLeaves, context: context)
            var privateState = TreeKEMPrivateState(leafIndex: sender, leafKey: secrets.leafKey)
            for (node, key) in zip(path, secrets.nodeKeys) { privateState.setPathKey(key, forNode: node) }
            return CreatedUpdatePath(
                updatePath: UpdatePath(leafNode: newLeaf, nodes: pathNodes),
                commitSecret: secrets.commitSecret,
                pathSecrets: Array(zip(path, secrets.pathSecrets)).map { (node: $0.0, secret: $0.1) },
                privateState: privateState
            )
        } catch {
            for (index, node) in zip(touched, saved) { setNode(index, node) }
            throw error
        }
    }

    /// Installs a new path of the member at `sender`, the public half of
    /// ``createUpdatePath(from:leafSecret:excludingLeaves:signLeaf:groupContext:)``: blanks the
    /// direct path, sets the filtered direct path `path` to the public keys of `secrets` with
    /// their parent hashes, and installs the leaf `signLeaf` signs. Returns that leaf.
    ///
    /// `path` must be the sender's filtered direct path. On error the tree may be half changed:
    /// callers restore it.
    mutating func installPath(
        _ path: [Int], secrets: PathSecrets, sender: UInt32,
        signLeaf: (_ parentHash: [UInt8], _ encryptionKey: [UInt8]) throws(MLSCryptoError) -> LeafNode
    ) throws(TreeKEMError) -> LeafNode {
        let leafNodeIndex = Int(sender) * 2
        blankDirectPath(of: leafNodeIndex)
        let leafParentHash = setPathNodes(path, publicKeys: secrets.nodeKeys.map(\.publicKey), sender: leafNodeIndex)
        let newLeaf: LeafNode
        do {
            newLeaf = try signLeaf(leafParentHash, secrets.leafKey.publicKey)
        } catch {
            throw .crypto(error)
        }
        setNode(leafNodeIndex, .leaf(newLeaf))
        return newLeaf
    }

    /// Encrypts each path secret to the resolution of its node's copath child (RFC 9420 §7.6),
    /// without `excludedLeaves`: `EncryptWithLabel(key, "UpdatePathNode", context, path_secret)`.
    ///
    /// The encryptions are independent: they run in parallel (a few per chunk), and the
    /// ciphertexts come back in resolution order, as the RFC lists them.
    func encryptPathSecrets(
        _ secrets: PathSecrets, path: [Int], sender leafNode: Int, excludingLeaves excludedLeaves: Set<UInt32>, context: [UInt8]
    ) throws(TreeKEMError) -> [UpdatePathNode] {
        var recipients: [(pathIndex: Int, key: [UInt8])] = []
        var counts: [Int] = []
        for (i, node) in path.enumerated() {
            let resolution = resolution(ofNode: copathChild(of: node, towards: leafNode), excludingLeaves: excludedLeaves)
            // Every node of a resolution is non-blank, so it has a key.
            for recipient in resolution { recipients.append((i, nodes[recipient]?.encryptionKey ?? [])) }
            counts.append(resolution.count)
        }
        let crypto = crypto, targets = recipients
        let outcomes = parallelMap(count: targets.count, chunkSize: max(1, min(32, targets.count / 16))) {
            j -> Result<HPKECiphertext, MLSCryptoError> in
            // The encoded path secret is ordinary memory: wiped after use (review L5).
            var plaintext = secrets.pathSecrets[targets[j].pathIndex].exportedBytes
            defer { Zeroize.bytes(&plaintext) }
            return Result { () throws(MLSCryptoError) -> HPKECiphertext in
                let sealed = try crypto.encryptWithLabel(publicKey: targets[j].key, label: "UpdatePathNode", context: context, plaintext: plaintext)
                return HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
            }
        }
        var pathNodes: [UpdatePathNode] = []
        pathNodes.reserveCapacity(path.count)
        var next = 0
        for (i, count) in counts.enumerated() {
            var ciphertexts: [HPKECiphertext] = []
            ciphertexts.reserveCapacity(count)
            for outcome in outcomes[next..<(next + count)] {
                switch outcome {
                case .success(let ciphertext): ciphertexts.append(ciphertext)
                case .failure(let error): throw .crypto(error)
                }
            }
            next += count
            pathNodes.append(UpdatePathNode(encryptionKey: secrets.nodeKeys[i].publicKey, encryptedPathSecret: ciphertexts))
        }
        return pathNodes
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
    ///
    /// Cost: O(n) cheap key comparisons (see ``KeyLookup``), O(log n) hashes; no copy of the tree.
    public mutating func mergeUpdatePath(_ path: UpdatePath, from sender: UInt32, excludingLeaves excludedLeaves: Set<UInt32> = []) throws(TreeKEMError) {
        guard leaf(at: sender) != nil else { throw .senderBlank }
        guard case .commit(let leafParentHash) = path.leafNode.source else { throw .leafSourceNotCommit }
        let leafNodeIndex = Int(sender) * 2
        // Blanking the sender's leaf and direct path changes no copath resolution: the shape
        // checks run on the tree as it is.
        let filtered = filteredDirectPath(ofLeaf: sender)
        guard filtered.count == path.nodes.count else { throw .pathLength }
        for (node, pathNode) in zip(filtered, path.nodes) {
            let resolution = resolution(ofNode: copathChild(of: node, towards: leafNodeIndex), excludingLeaves: excludedLeaves)
            guard resolution.count == pathNode.encryptedPathSecret.count else { throw .ciphertextCount }
        }
        let newKeys = [path.leafNode.encryptionKey] + path.nodes.map(\.encryptionKey)
        var distinct = Set<KeyBytes>()
        for key in newKeys {
            // RFC 9420 §12.4.2: the keys must be usable; a key that does not decode would make
            // every later commit encrypting to it fail (review M3).
            guard crypto.isValidHPKEPublicKey(key) else { throw .invalidPublicKey }
            guard distinct.insert(KeyBytes(key)).inserted else { throw .keyAlreadyInTree }
        }
        // §12.4.2: "none of the public keys in the UpdatePath appear in any node of the new
        // ratchet tree", the tree before the merge: the sender's old direct-path keys included
        // (re-sending them would give no post-compromise security). The sender's leaf slot is
        // skipped: for an external joiner it already holds the path's leaf.
        let lookup = KeyLookup(newKeys)
        for (index, node) in nodes.enumerated() where index != leafNodeIndex {
            if let key = node?.encryptionKey, lookup.contains(key) { throw .keyAlreadyInTree }
        }

        // Changed in place, not on a copy of the tree: on error the leaf and its direct path,
        // the only nodes touched, are put back.
        let touched = [leafNodeIndex] + TreeArray.directPath(of: leafNodeIndex, leafCount: leafCount)
        let saved = touched.map { nodes[$0] }
        blankDirectPath(of: leafNodeIndex)
        let computed = setPathNodes(filtered, publicKeys: path.nodes.map(\.encryptionKey), sender: leafNodeIndex)
        guard computed == leafParentHash else {
            for (index, node) in zip(touched, saved) { setNode(index, node) }
            throw .parentHashMismatch
        }
        setNode(leafNodeIndex, .leaf(path.leafNode))
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
        var secrets = [decrypted]
        for _ in (position + 1)..<filtered.count { secrets.append(try TreeKEMPrivateState.nextPathSecret(secrets[secrets.count - 1], crypto: crypto)) }
        let commitSecret = try TreeKEMPrivateState.nextPathSecret(secrets[secrets.count - 1], crypto: crypto)
        // The key pairs are independent of each other: derived across cores.
        let keys = try PathSecrets.nodeKeys(for: secrets, crypto: crypto)
        for (offset, key) in keys.enumerated() {
            let i = position + offset
            guard key.publicKey == path.nodes[i].encryptionKey, parent(atNode: filtered[i])?.encryptionKey == key.publicKey else {
                throw .publicKeyMismatch
            }
            state.setPathKey(key, forNode: filtered[i])
        }
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
