/// The private keys one member holds in the ratchet tree (RFC 9420 §4.2): its leaf's HPKE key
/// and the keys of the parent nodes above it that it learned from path secrets.
///
/// Invariant kept by the operations here: every key matches the public key of its node in the
/// tree it goes with. Keys of nodes that get blanked or replaced are dropped
/// (RFC 9420 §7.5: delete outdated key material).
public struct TreeKEMPrivateState: Sendable {
    /// The member's leaf index.
    public var leafIndex: UInt32
    /// The private key of the member's leaf.
    public var leafKey: HPKEPrivateKey
    /// Private keys of parent nodes, by node index.
    public private(set) var pathKeys: [Int: HPKEPrivateKey]

    public init(leafIndex: UInt32, leafKey: HPKEPrivateKey, pathKeys: [Int: HPKEPrivateKey] = [:]) {
        self.leafIndex = leafIndex
        self.leafKey = leafKey
        self.pathKeys = pathKeys
    }

    /// Sets the key of parent node `nodeIndex` from its path secret:
    /// `DeriveKeyPair(DeriveSecret(path_secret, "node"))` (RFC 9420 §7.4).
    public mutating func setPathSecret(_ pathSecret: Secret, forNode nodeIndex: Int, crypto: CryptoSuite) throws(TreeKEMError) {
        pathKeys[nodeIndex] = try Self.nodeKey(fromPathSecret: pathSecret, crypto: crypto)
    }

    /// Sets the key of parent node `nodeIndex`, derived from its path secret by the caller.
    mutating func setPathKey(_ key: HPKEPrivateKey, forNode nodeIndex: Int) {
        pathKeys[nodeIndex] = key
    }

    /// The private key for node `nodeIndex`, if this member holds it.
    public func privateKey(forNode nodeIndex: Int) -> HPKEPrivateKey? {
        nodeIndex == Int(leafIndex) * 2 ? leafKey : pathKeys[nodeIndex]
    }

    /// Whether every key matches the public key of its node in `tree` (and no key is held for a
    /// blank node).
    public func isConsistent(with tree: RatchetTree) -> Bool {
        guard tree.leaf(at: leafIndex)?.encryptionKey == leafKey.publicKey else { return false }
        return pathKeys.allSatisfy { tree.parent(atNode: $0.key)?.encryptionKey == $0.value.publicKey }
    }

    /// Drops the keys of nodes that are blank in `tree` or whose public key changed.
    public mutating func prune(to tree: RatchetTree) {
        pathKeys = pathKeys.filter { tree.parent(atNode: $0.key)?.encryptionKey == $0.value.publicKey }
    }

    mutating func removePathKey(forNode nodeIndex: Int) {
        pathKeys[nodeIndex] = nil
    }

    static func nodeKey(fromPathSecret pathSecret: Secret, crypto: CryptoSuite) throws(TreeKEMError) -> HPKEPrivateKey {
        do {
            return try crypto.deriveKeyPair(ikm: try crypto.deriveSecret(secret: pathSecret, label: "node"))
        } catch {
            throw .crypto(error)
        }
    }

    static func nextPathSecret(_ pathSecret: Secret, crypto: CryptoSuite) throws(TreeKEMError) -> Secret {
        do {
            return try crypto.deriveSecret(secret: pathSecret, label: "path")
        } catch {
            throw .crypto(error)
        }
    }
}
