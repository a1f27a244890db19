/// The secret tree of one epoch (RFC 9420 §9): per-leaf handshake and application hash ratchets
/// rooted at the epoch's `encryption_secret`, with the deletion schedule of §9.2.
///
/// - Node secrets are derived lazily from the root down and each consumed parent secret is deleted
///   as soon as both children are derived (only the unconsumed frontier is kept).
/// - Every key/nonce is returned once: asking again for a generation already handed out fails
///   with ``SecretTreeError/keyConsumed``.
/// - Out-of-order delivery is bounded by ``Configuration``: a generation at most
///   ``Configuration/maximumForwardDistance`` ahead of the ratchet is accepted, and keys for the
///   generations skipped on the way are retained, at most ``Configuration/maximumSkippedKeys`` per
///   ratchet (the oldest are deleted first) and at most ``Configuration/maximumRetainedKeys`` in the
///   whole tree: a request that would retain more fails with ``SecretTreeError/retainedKeyLimit``
///   and changes nothing.
public struct SecretTree: Sendable {
    /// Limits for out-of-order delivery.
    public struct Configuration: Sendable, Hashable {
        /// How far ahead of the next expected generation a message may be (default 1,000).
        public var maximumForwardDistance: UInt32
        /// How many skipped generations' keys one ratchet keeps for late messages (default 1,000).
        public var maximumSkippedKeys: Int
        /// How many skipped generations' keys the whole tree keeps, over every ratchet (default 10,000).
        ///
        /// Every member can build sender data and content ciphertexts for any leaf (they all hold
        /// the epoch's encryption secret), so a per-ratchet bound alone lets one insider make each
        /// receiver keep `maximumSkippedKeys` keys for every leaf of the group.
        public var maximumRetainedKeys: Int

        public init(maximumForwardDistance: UInt32 = 1_000, maximumSkippedKeys: Int = 1_000, maximumRetainedKeys: Int = 10_000) {
            self.maximumForwardDistance = maximumForwardDistance
            self.maximumSkippedKeys = maximumSkippedKeys
            self.maximumRetainedKeys = maximumRetainedKeys
        }
    }

    /// Which of a leaf's two ratchets (§9.1).
    public enum RatchetType: Sendable, Hashable {
        case handshake, application

        var label: String {
            switch self {
            case .handshake: "handshake"
            case .application: "application"
            }
        }
    }

    /// One generation's AEAD key and nonce (`ratchet_key_[N]_[j]`, `ratchet_nonce_[N]_[j]`).
    public struct MessageKey: Sendable {
        public let generation: UInt32
        public let key: Secret
        public let nonce: Secret
    }

    public let crypto: CryptoSuite
    public let tree: TreeMath
    public let configuration: Configuration

    /// Unconsumed node secrets, by node index: initially only the root.
    var nodeSecrets: [UInt32: Secret]
    /// The ratchets started so far, by `leaf << 1 | type`.
    var ratchets: [UInt64: HashRatchet] = [:]
    /// Skipped-generation keys retained over all ratchets, at most `configuration.maximumRetainedKeys`.
    public internal(set) var retainedKeyCount = 0

    /// A secret tree for `leafCount` leaves (a power of two, as in the ratchet tree) rooted at `encryptionSecret`.
    public init(
        crypto: CryptoSuite, encryptionSecret: Secret, leafCount: UInt32, configuration: Configuration = Configuration()
    ) throws(SecretTreeError) {
        guard encryptionSecret.count == crypto.hashLength else { throw .invalidSecretLength }
        do {
            tree = try TreeMath(leafCount: leafCount)
        } catch {
            throw .invalidLeafCount
        }
        self.crypto = crypto
        self.configuration = configuration
        nodeSecrets = [tree.root.value: encryptionSecret]
    }

    /// The key and nonce for sending the next message of `leaf`'s `type` ratchet.
    public mutating func nextSendingKey(leaf: LeafIndex, type: RatchetType) throws(SecretTreeError) -> MessageKey {
        var ratchet = try takeRatchet(leaf: leaf, type: type)
        let key = try ratchetKey(&ratchet, generation: ratchet.nextGeneration)
        store(ratchet, leaf: leaf, type: type)
        return key
    }

    /// The key and nonce of `generation` of `leaf`'s `type` ratchet, for decrypting a received
    /// message. The key is deleted from the tree: a second request for it fails.
    public mutating func key(leaf: LeafIndex, type: RatchetType, generation: UInt32) throws(SecretTreeError) -> MessageKey {
        var ratchet = try takeRatchet(leaf: leaf, type: type)
        let key = try ratchetKey(&ratchet, generation: generation)
        store(ratchet, leaf: leaf, type: type)
        return key
    }

    /// Calls `use` with the key of `generation` and deletes the key only if `use` succeeds (returns
    /// non-nil): a forged or corrupted message must not burn the key of the genuine one (§9.2 counts a
    /// key as consumed when it successfully decrypts). When `use` returns nil the tree is unchanged.
    public mutating func withDecryptionKey<R>(
        leaf: LeafIndex, type: RatchetType, generation: UInt32, _ use: (MessageKey) -> R?
    ) throws(SecretTreeError) -> R? {
        var trial = try takeRatchet(leaf: leaf, type: type)
        let key = try ratchetKey(&trial, generation: generation)
        guard let value = use(key) else { return nil }
        store(trial, leaf: leaf, type: type)
        return value
    }

    /// `ratchet`'s key for `generation`, refused before any derivation when the keys it would
    /// retain take the tree past `maximumRetainedKeys`.
    private func ratchetKey(_ ratchet: inout HashRatchet, generation: UInt32) throws(SecretTreeError) -> MessageKey {
        let retainedElsewhere = retainedKeyCount - ratchet.skipped.count
        return try ratchet.key(
            generation: generation, crypto: crypto, configuration: configuration,
            retentionBudget: configuration.maximumRetainedKeys - retainedElsewhere)
    }

    /// Stores `ratchet` back, keeping `retainedKeyCount` in step with its retained keys.
    private mutating func store(_ ratchet: HashRatchet, leaf: LeafIndex, type: RatchetType) {
        let id = Self.ratchetID(leaf, type)
        retainedKeyCount += ratchet.skipped.count - (ratchets[id]?.skipped.count ?? 0)
        ratchets[id] = ratchet
    }

    /// The next generation `leaf`'s `type` ratchet would hand out (0 before its first use).
    public func nextGeneration(leaf: LeafIndex, type: RatchetType) -> UInt32 {
        ratchets[Self.ratchetID(leaf, type)]?.nextGeneration ?? 0
    }

    private static func ratchetID(_ leaf: LeafIndex, _ type: RatchetType) -> UInt64 {
        UInt64(leaf.value) << 1 | (type == .handshake ? 0 : 1)
    }

    private static let leftContext = Array("left".utf8)
    private static let rightContext = Array("right".utf8)

    /// The ratchet for (leaf, type), starting both of the leaf's ratchets from its node secret
    /// on first use (§9: the leaf secret is consumed once both ratchet roots are derived).
    private mutating func takeRatchet(leaf: LeafIndex, type: RatchetType) throws(SecretTreeError) -> HashRatchet {
        guard tree.contains(leaf) else { throw .leafOutOfRange }
        if let ratchet = ratchets[Self.ratchetID(leaf, type)] { return ratchet }
        let leafSecret = try takeNodeSecret(leaf.nodeIndex)
        let expander = KeyedExpander(crypto.hash, secret: leafSecret)
        let handshake = expander.expandWithLabel(label: "handshake".utf8, context: UnsafeRawBufferPointer(start: nil, count: 0), length: crypto.hashLength)
        let application = expander.expandWithLabel(label: "application".utf8, context: UnsafeRawBufferPointer(start: nil, count: 0), length: crypto.hashLength)
        ratchets[Self.ratchetID(leaf, .handshake)] = HashRatchet(secret: handshake, type: .handshake)
        ratchets[Self.ratchetID(leaf, .application)] = HashRatchet(secret: application, type: .application)
        return ratchets[Self.ratchetID(leaf, type)]!  // both were just stored
    }

    /// Removes and returns the secret of `target`, deriving down from its nearest stored ancestor
    /// and keeping only the siblings along the way (each parent is consumed).
    private mutating func takeNodeSecret(_ target: NodeIndex) throws(SecretTreeError) -> Secret {
        if let secret = nodeSecrets.removeValue(forKey: target.value) { return secret }
        // The path from the target up; find the lowest ancestor still holding a secret.
        let path: [NodeIndex]
        do { path = try tree.directPath(target) } catch { throw .leafOutOfRange }
        guard let start = path.firstIndex(where: { nodeSecrets[$0.value] != nil }) else { throw .keyConsumed }
        var node = path[start]
        var secret = nodeSecrets.removeValue(forKey: node.value)!  // found above
        do {
            // Walk down: derive both children, keep the one off the path, continue with the other.
            for childOnPath in path[..<start].reversed() + [target] {
                let left = try tree.left(node)
                let right = try tree.right(node)
                let expander = KeyedExpander(crypto.hash, secret: secret)
                let leftSecret = Self.leftContext.withUnsafeBytes { expander.expandWithLabel(label: "tree".utf8, context: $0, length: crypto.hashLength) }
                let rightSecret = Self.rightContext.withUnsafeBytes { expander.expandWithLabel(label: "tree".utf8, context: $0, length: crypto.hashLength) }
                if childOnPath == left {
                    nodeSecrets[right.value] = rightSecret
                    secret = leftSecret
                } else {
                    nodeSecrets[left.value] = leftSecret
                    secret = rightSecret
                }
                node = childOnPath
            }
        } catch {
            throw .derivationFailed
        }
        return secret
    }
}

/// One sender ratchet (§9.1): the secret for `nextGeneration`, plus retained keys of skipped generations.
struct HashRatchet: Sendable {
    var secret: Secret
    let type: SecretTree.RatchetType
    var nextGeneration: UInt32 = 0
    /// True once generation UInt32.max has been handed out: the ratchet cannot advance further.
    var isExhausted = false
    var skipped: [UInt32: SecretTree.MessageKey] = [:]
    /// Generations in `skipped`, oldest first (they are inserted in increasing order); entries
    /// already consumed are left in place and passed over when evicting.
    var skippedOrder: [UInt32] = []
    var skippedOrderHead = 0

    init(secret: Secret, type: SecretTree.RatchetType) {
        self.secret = secret
        self.type = type
    }

    /// The key of `generation`, retaining the keys of the generations passed over on the way.
    ///
    /// - Parameter retentionBudget: how many skipped keys this ratchet may hold afterwards (the
    ///   tree-wide limit minus what the other ratchets hold); checked before any derivation.
    mutating func key(
        generation: UInt32, crypto: CryptoSuite, configuration: SecretTree.Configuration, retentionBudget: Int
    ) throws(SecretTreeError) -> SecretTree.MessageKey {
        if generation < nextGeneration || isExhausted {
            guard let key = skipped.removeValue(forKey: generation) else { throw .keyConsumed }
            return key
        }
        guard generation - nextGeneration <= configuration.maximumForwardDistance else { throw .generationTooFarAhead }
        // Every generation passed over is retained, the oldest evicted beyond the per-ratchet cap.
        let retainedAfter = min(skipped.count + Int(generation - nextGeneration), max(configuration.maximumSkippedKeys, 0))
        guard retainedAfter <= max(retentionBudget, skipped.count) else { throw .retainedKeyLimit }
        while nextGeneration < generation {
            let key = step(crypto: crypto)
            if configuration.maximumSkippedKeys > 0 {
                if skipped.count >= configuration.maximumSkippedKeys { evictOldestSkipped() }
                skipped[key.generation] = key
                skippedOrder.append(key.generation)
            }
        }
        return step(crypto: crypto)
    }

    /// Deletes the oldest retained key, in amortized constant time.
    private mutating func evictOldestSkipped() {
        while skippedOrderHead < skippedOrder.count {
            let generation = skippedOrder[skippedOrderHead]
            skippedOrderHead += 1
            if skipped.removeValue(forKey: generation) != nil { break }
        }
        if skippedOrderHead > 64 && skippedOrderHead * 2 > skippedOrder.count {
            skippedOrder.removeFirst(skippedOrderHead)
            skippedOrderHead = 0
        }
    }

    /// The key and nonce of `nextGeneration`, then the ratchet advanced: the secret replaced by
    /// the next one (the old one is consumed). The three derivations share one keyed HMAC.
    private mutating func step(crypto: CryptoSuite) -> SecretTree.MessageKey {
        let expander = KeyedExpander(crypto.hash, secret: secret)
        let nonce = expander.deriveTreeSecret(label: "nonce".utf8, generation: nextGeneration, length: crypto.aead.nonceByteCount)
        let key = expander.deriveTreeSecret(label: "key".utf8, generation: nextGeneration, length: crypto.aead.keyByteCount)
        secret = expander.deriveTreeSecret(label: "secret".utf8, generation: nextGeneration, length: crypto.hashLength)
        let messageKey = SecretTree.MessageKey(generation: nextGeneration, key: key, nonce: nonce)
        if nextGeneration == .max {
            isExhausted = true
        } else {
            nextGeneration += 1
        }
        return messageKey
    }
}

/// Why the secret tree refused a key.
public struct SecretTreeError: Error, Hashable, CustomStringConvertible, Sendable {
    private enum Code: Hashable, Sendable {
        case invalidLeafCount, invalidSecretLength, leafOutOfRange, keyConsumed, generationTooFarAhead, retainedKeyLimit, derivationFailed
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The leaf count is not a power of two in 1...2^31.
    public static let invalidLeafCount = SecretTreeError(.invalidLeafCount)
    /// The encryption secret is not `KDF.Nh` bytes.
    public static let invalidSecretLength = SecretTreeError(.invalidSecretLength)
    /// The leaf index is outside the tree.
    public static let leafOutOfRange = SecretTreeError(.leafOutOfRange)
    /// The key for that generation was already used, or deleted (too old for the retention window).
    public static let keyConsumed = SecretTreeError(.keyConsumed)
    /// The generation is further ahead than the configured out-of-order window.
    public static let generationTooFarAhead = SecretTreeError(.generationTooFarAhead)
    /// Accepting the generation would retain more skipped keys than the tree-wide limit allows.
    public static let retainedKeyLimit = SecretTreeError(.retainedKeyLimit)
    /// A key derivation failed (not expected with valid suites).
    public static let derivationFailed = SecretTreeError(.derivationFailed)

    public var description: String {
        switch code {
        case .invalidLeafCount: "secret tree: leaf count must be a power of two"
        case .invalidSecretLength: "secret tree: encryption secret has the wrong length"
        case .leafOutOfRange: "secret tree: leaf index outside the tree"
        case .keyConsumed: "secret tree: key already used or deleted"
        case .generationTooFarAhead: "secret tree: generation beyond the out-of-order window"
        case .retainedKeyLimit: "secret tree: too many skipped keys retained in this epoch"
        case .derivationFailed: "secret tree: key derivation failed"
        }
    }
}
