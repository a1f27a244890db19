import Crypto

extension MLSGroup {
    /// What a group needs from its environment: the clock (through the lifetime policy), the
    /// Authentication Service, the external PSKs, randomness, and limits. None of it is part
    /// of the serialized state: a restored group is given its configuration again.
    public struct Configuration: Sendable {
        /// How KeyPackage lifetimes are checked when a KeyPackage adds its owner (the injected clock).
        public var lifetimePolicy: LifetimePolicy
        /// The Authentication Service hook, called for every credential that enters the group.
        public var credentialValidator: any CredentialValidator
        /// External PSKs (and resumption PSKs of other groups, for branch and reinit).
        public var pskStore: any PSKStore
        /// Randomness for leaf secrets, reuse guards and PSK nonces.
        ///
        /// HPKE encapsulation and ECDSA signing nonces come from swift-crypto's system generator:
        /// its public API takes no injected source.
        public var random: any MLSRandomSource
        /// Out-of-order limits of each epoch's secret tree.
        public var secretTree: SecretTree.Configuration
        /// Application messages are padded so that the encrypted content is a multiple of this
        /// many bytes (RFC 9420 §6.3.1: padding hides the exact length). 0 or 1: no padding.
        public var paddingBlockSize: Int
        /// How many past epochs' resumption PSKs are kept for PreSharedKey proposals (§8.6).
        public var resumptionPSKRetention: Int
        /// What non-members may do: self-proposed Adds, external-sender proposals, external
        /// joins and resyncs (§12.1.8, §12.4.3.2). The default refuses all but listed external senders.
        public var policy: any GroupPolicy
        /// The most proposals cached in one epoch; more are refused with
        /// ``MLSGroupError/proposalCacheFull`` (each costs a verification now and work in the next Commit).
        public var maximumCachedProposals: Int

        public init(
            lifetimePolicy: LifetimePolicy,
            credentialValidator: any CredentialValidator,
            pskStore: any PSKStore = InMemoryPSKStore(),
            random: any MLSRandomSource = SystemMLSRandomSource(),
            secretTree: SecretTree.Configuration = SecretTree.Configuration(),
            paddingBlockSize: Int = 32,
            resumptionPSKRetention: Int = 8,
            policy: any GroupPolicy = StandardGroupPolicy(),
            maximumCachedProposals: Int = 256
        ) {
            self.policy = policy
            self.maximumCachedProposals = maximumCachedProposals
            self.lifetimePolicy = lifetimePolicy
            self.credentialValidator = credentialValidator
            self.pskStore = pskStore
            self.random = random
            self.secretTree = secretTree
            self.paddingBlockSize = paddingBlockSize
            self.resumptionPSKRetention = resumptionPSKRetention
        }

        func leafValidator(_ crypto: CryptoSuite) -> LeafNodeValidator {
            LeafNodeValidator(crypto: crypto, credentialValidator: credentialValidator, lifetimePolicy: lifetimePolicy)
        }
    }
}

/// Where a group looks up the PSKs a Commit or Welcome names (RFC 9420 §8.4).
///
/// Resumption PSKs of the group's own past epochs are kept by the group; this store answers
/// for external PSKs and for resumption PSKs of other groups (branch, reinit).
public protocol PSKStore: Sendable {
    /// The external PSK named `pskID`, if provisioned.
    func externalPSK(id pskID: [UInt8]) -> Secret?
    /// The `resumption_psk` of epoch `epoch` of group `groupID`, if known.
    func resumptionPSK(groupID: [UInt8], epoch: UInt64) -> Secret?
}

extension PSKStore {
    public func resumptionPSK(groupID: [UInt8], epoch: UInt64) -> Secret? { nil }
}

/// A ``PSKStore`` holding external PSKs in memory.
public struct InMemoryPSKStore: PSKStore {
    private var external: [[UInt8]: Secret]

    public init(external: [[UInt8]: Secret] = [:]) {
        self.external = external
    }

    public mutating func add(id: [UInt8], psk: Secret) {
        external[id] = psk
    }

    public func externalPSK(id pskID: [UInt8]) -> Secret? { external[pskID] }
}

/// Randomness for a group (leaf secrets, reuse guards, PSK nonces), injected so tests can make
/// it deterministic.
public protocol MLSRandomSource: Sendable {
    /// `count` random bytes.
    func randomBytes(count: Int) -> [UInt8]
}

extension MLSRandomSource {
    /// A fresh secret of `count` random bytes.
    func randomSecret(count: Int) -> Secret {
        var bytes = randomBytes(count: count)
        defer { bytes.withUnsafeMutableBytes { _ = $0.initializeMemory(as: UInt8.self, repeating: 0) } }
        return Secret(bytes: bytes)
    }
}

/// The operating system's cryptographically secure generator.
public struct SystemMLSRandomSource: MLSRandomSource {
    public init() {}

    public func randomBytes(count: Int) -> [UInt8] {
        SymmetricKey(size: SymmetricKeySize(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }
}
