/// The secrets of a new path (RFC 9420 §7.4): from a fresh `leaf_secret`, the leaf's key
/// `DeriveKeyPair(DeriveSecret(leaf_secret, "node"))`, `path_secret[0] =
/// DeriveSecret(leaf_secret, "path")`, each next `path_secret[n] = DeriveSecret(path_secret[n-1],
/// "path")`, each node's key `DeriveKeyPair(DeriveSecret(path_secret[n], "node"))`, and the
/// commit secret, the path secret after the last node's (§8).
struct PathSecrets: Sendable {
    /// The private key of the committer's new leaf.
    let leafKey: HPKEPrivateKey
    /// `path_secret[0...count-1]`, one per node of the filtered direct path, leaf to root.
    let pathSecrets: [Secret]
    /// The private key of each of those nodes.
    let nodeKeys: [HPKEPrivateKey]
    /// `commit_secret`.
    let commitSecret: Secret

    /// Derives the secrets for a filtered direct path of `count` nodes.
    ///
    /// The path secrets form a chain (cheap HKDF steps), but the key pairs (a scalar
    /// multiplication, or an ML-KEM key generation) are independent of each other: with
    /// `parallel` they are derived across cores.
    init(leafSecret: Secret, count: Int, crypto: CryptoSuite, parallel: Bool = true) throws(TreeKEMError) {
        var pathSecrets: [Secret] = []
        pathSecrets.reserveCapacity(count)
        var secret = leafSecret
        for _ in 0..<count {
            secret = try TreeKEMPrivateState.nextPathSecret(secret, crypto: crypto)
            pathSecrets.append(secret)
        }
        commitSecret = try TreeKEMPrivateState.nextPathSecret(secret, crypto: crypto)
        let keys = try Self.nodeKeys(for: [leafSecret] + pathSecrets, crypto: crypto, parallel: parallel)
        leafKey = keys[0]
        nodeKeys = Array(keys.dropFirst())
        self.pathSecrets = pathSecrets
    }

    /// `DeriveKeyPair(DeriveSecret(secret, "node"))` of each secret, in order.
    static func nodeKeys(for secrets: [Secret], crypto: CryptoSuite, parallel: Bool = true) throws(TreeKEMError) -> [HPKEPrivateKey] {
        guard parallel, secrets.count > 1 else {
            var keys: [HPKEPrivateKey] = []
            keys.reserveCapacity(secrets.count)
            for secret in secrets { keys.append(try TreeKEMPrivateState.nodeKey(fromPathSecret: secret, crypto: crypto)) }
            return keys
        }
        let outcomes = parallelMap(count: secrets.count, chunkSize: 1) { i -> Result<HPKEPrivateKey, TreeKEMError> in
            Result { () throws(TreeKEMError) -> HPKEPrivateKey in try TreeKEMPrivateState.nodeKey(fromPathSecret: secrets[i], crypto: crypto) }
        }
        var keys: [HPKEPrivateKey] = []
        keys.reserveCapacity(secrets.count)
        for outcome in outcomes { keys.append(try outcome.get()) }
        return keys
    }
}
