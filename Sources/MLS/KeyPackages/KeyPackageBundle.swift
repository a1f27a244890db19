import WireFormat

/// A KeyPackage this client created, with the private keys behind it (RFC 9420 §10).
///
/// Publish ``keyPackage`` (as ``mlsMessage``, an `MLSMessage` with wire format
/// `mls_key_package`) and keep ``privateKeys`` until a Welcome that uses the KeyPackage arrives;
/// find that Welcome's entry by ``reference`` (`KeyPackageRef`). Description prints no key
/// material.
///
/// Randomness (review L8): the leaf secrets come from the injected generator. Both HPKE key
/// pairs are `DeriveKeyPair(ikm)` of the suite's KEM on fresh generator bytes, and an Ed25519
/// signature key is a fresh 32-byte seed. An ECDSA key is the scalar DeriveKeyPair of the
/// matching DHKEM curve gives, which is uniform below the group order (RFC 9180 §7.1.3 rejection
/// sampling). With a seeded generator and an Ed25519 suite (1, 3 and the post-quantum default), the
/// KeyPackage is byte-for-byte reproducible. What swift-crypto does not let us inject: ECDSA
/// signing nonces (suites 2, 5 and 7 sign with the system RNG), HPKE encapsulation, and
/// ``HPKEPrivateKey/generate(kem:)`` / ``SignaturePrivateKey/generate(scheme:)``, which this type
/// does not use.
public struct KeyPackageBundle: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What goes into a new KeyPackage besides its keys and credential.
    public struct Configuration: Sendable {
        /// The capabilities to advertise; `nil` (the default) lists every suite Letterlock
        /// supports (with the KeyPackage's own suite), the credential's type, and the non-default
        /// types of ``extensions`` and ``leafExtensions`` (RFC 9420 §7.2, §10). Explicit
        /// capabilities must cover those, or creation fails with
        /// ``KeyPackageCreationError/invalid(_:)``.
        public var capabilities: Capabilities?
        /// Seconds from the current time to `not_after`. Default 28 days.
        public var validity: UInt64
        /// Seconds before the current time for `not_before`, so that a peer whose clock runs a
        /// little behind still accepts the KeyPackage. Default one hour. `validity` plus this
        /// must stay within the receivers' maximum lifetime (``LifetimePolicy``, 90 days by default).
        public var clockSkewAllowance: UInt64
        /// `KeyPackage.extensions`.
        public var extensions: [Extension]
        /// `leaf_node.extensions`.
        public var leafExtensions: [Extension]

        public init(
            capabilities: Capabilities? = nil,
            validity: UInt64 = 28 * 24 * 3600,
            clockSkewAllowance: UInt64 = 3600,
            extensions: [Extension] = [],
            leafExtensions: [Extension] = []
        ) {
            self.capabilities = capabilities
            self.validity = validity
            self.clockSkewAllowance = clockSkewAllowance
            self.extensions = extensions
            self.leafExtensions = leafExtensions
        }
    }

    /// The KeyPackage, already validated (RFC 9420 §10.1) as a receiver would.
    public let keyPackage: KeyPackage
    /// The private keys of `init_key`, `encryption_key` and `signature_key`.
    public let privateKeys: KeyPackagePrivateKeys

    /// `KeyPackageRef` (RFC 9420 §5.2): how a Welcome names this KeyPackage.
    public var reference: [UInt8] { keyPackage.reference }

    /// The KeyPackage as the `MLSMessage` that carries it (RFC 9420 §6, `mls_key_package`).
    public var mlsMessage: MLSMessage { keyPackage.mlsMessage }

    /// Creates a KeyPackage for the suite of `crypto` (RFC 9420 §10).
    ///
    /// - Parameters:
    ///   - crypto: the cipher suite's primitives.
    ///   - credential: the credential of the leaf; for Letterlock, `Credential(identity)` (see
    ///     ``init(crypto:identity:signatureKey:configuration:now:using:)``).
    ///   - signatureKey: the device's signature key, when it has one already (the key the
    ///     credential binds); `nil` draws a fresh one from `generator`.
    ///   - configuration: capabilities, lifetime and extensions.
    ///   - now: the injected clock's current time, in seconds since the Unix epoch.
    ///   - generator: the randomness for the new keys.
    /// - Throws: ``KeyPackageCreationError``.
    public init(
        crypto: CryptoSuite,
        credential: Credential,
        signatureKey: SignaturePrivateKey? = nil,
        configuration: Configuration = Configuration(),
        now: UInt64,
        using generator: inout some RandomNumberGenerator
    ) throws(KeyPackageCreationError) {
        if let signatureKey, signatureKey.scheme != crypto.signatureScheme { throw .signatureKeyScheme }
        let (sum, overflow) = now.addingReportingOverflow(configuration.validity)
        guard !overflow else { throw .lifetime }
        let lifetime = Lifetime(notBefore: now >= configuration.clockSkewAllowance ? now - configuration.clockSkewAllowance : 0, notAfter: sum)

        let keys: KeyPackagePrivateKeys
        let value: KeyPackageIn
        do {
            (keys, value) = try Self.signedKeyPackage(
                crypto: crypto, credential: credential, signatureKey: signatureKey, lifetime: lifetime,
                configuration: configuration, using: &generator)
        } catch {
            throw .crypto(error)
        }
        // Validate as a receiver would (one signature verification more): catches parameters that
        // break RFC 9420 §7.2/§10 (extensions missing from explicit capabilities, a bad public key)
        // before the KeyPackage is published. The credential is our own: the Authentication
        // Service check belongs to the receivers.
        let validator = LeafNodeValidator(
            crypto: crypto,
            credentialValidator: AcceptAllCredentialsValidator(),
            lifetimePolicy: .check(now: { now }, maximumLifetime: lifetime.duration)
        )
        do {
            keyPackage = try value.validate(validator: validator, requirements: .none)
        } catch {
            throw .invalid(error)
        }
        privateKeys = keys
    }

    /// The keys and the signed KeyPackage, before validation.
    private static func signedKeyPackage(
        crypto: CryptoSuite,
        credential: Credential,
        signatureKey: SignaturePrivateKey?,
        lifetime: Lifetime,
        configuration: Configuration,
        using generator: inout some RandomNumberGenerator
    ) throws(MLSCryptoError) -> (KeyPackagePrivateKeys, KeyPackageIn) {
        let initKey = try crypto.deriveKeyPair(ikm: generator.secret(count: crypto.kem.privateKeyByteCount))
        let encryptionKey = try crypto.deriveKeyPair(ikm: generator.secret(count: crypto.kem.privateKeyByteCount))
        let signer: SignaturePrivateKey
        if let signatureKey {
            signer = signatureKey
        } else {
            signer = try Self.signatureKey(for: crypto.signatureScheme, using: &generator)
        }

        var leaf = LeafNode(
            encryptionKey: encryptionKey.publicKey,
            signatureKey: signer.publicKey,
            credential: credential,
            capabilities: configuration.capabilities ?? Self.defaultCapabilities(crypto: crypto, credential: credential, configuration: configuration),
            source: .keyPackage(lifetime),
            extensions: configuration.leafExtensions,
            signature: []
        )
        leaf.signature = try crypto.signWithLabel(privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: [], leafIndex: 0))
        var value = KeyPackageIn(
            cipherSuite: crypto.cipherSuite,
            initKey: initKey.publicKey,
            leafNode: leaf,
            extensions: configuration.extensions,
            signature: []
        )
        value.signature = try crypto.signWithLabel(privateKey: signer, label: "KeyPackageTBS", content: value.toBeSigned)
        return (KeyPackagePrivateKeys(initKey: initKey, encryptionKey: encryptionKey, signatureKey: signer), value)
    }

    /// Creates a KeyPackage whose basic credential carries a Letterlock account and device
    /// identity, with randomness from the system CSPRNG. See
    /// ``init(crypto:credential:signatureKey:configuration:now:using:)``.
    public init(
        crypto: CryptoSuite,
        identity: LetterlockIdentity,
        signatureKey: SignaturePrivateKey? = nil,
        configuration: Configuration = Configuration(),
        now: UInt64
    ) throws(KeyPackageCreationError) {
        var generator = SystemRandomNumberGenerator()
        try self.init(crypto: crypto, credential: Credential(identity), signatureKey: signatureKey, configuration: configuration, now: now, using: &generator)
    }

    public var description: String {
        "KeyPackageBundle(\(keyPackage.cipherSuite), \(privateKeys))"
    }

    public var debugDescription: String { description }

    /// The capabilities a KeyPackage advertises when the configuration gives none.
    static func defaultCapabilities(crypto: CryptoSuite, credential: Credential, configuration: Configuration) -> Capabilities {
        var suites = CipherSuite.supported
        if !suites.contains(crypto.cipherSuite) { suites.insert(crypto.cipherSuite, at: 0) }
        var extensionTypes: [ExtensionType] = []
        for e in configuration.leafExtensions + configuration.extensions where !e.extensionType.isDefault && !extensionTypes.contains(e.extensionType) {
            extensionTypes.append(e.extensionType)
        }
        return Capabilities(cipherSuites: suites, extensions: extensionTypes, credentials: [credential.credentialType])
    }

    /// A fresh signature key from `generator`.
    static func signatureKey(for scheme: SignatureScheme, using generator: inout some RandomNumberGenerator) throws(MLSCryptoError) -> SignaturePrivateKey {
        let curve: HPKEKEM
        switch scheme {
        case .ed25519:
            let seed = generator.secret(count: 32)
            var bytes = seed.exportedBytes
            defer { Zeroize.bytes(&bytes) }
            return try SignaturePrivateKey(scheme: scheme, serialized: bytes)
        case .ecdsaSecp256r1SHA256: curve = .dhkemP256
        case .ecdsaSecp384r1SHA384: curve = .dhkemP384
        case .ecdsaSecp521r1SHA512: curve = .dhkemP521
        }
        // The DHKEM of the same curve turns uniform bytes into a uniform valid scalar (RFC 9180
        // §7.1.3); the scalar is then used as the ECDSA key. Only the scalar is shared, not a key.
        var ikm = generator.secret(count: curve.privateKeyByteCount).exportedBytes
        defer { Zeroize.bytes(&ikm) }
        var bytes = try curve.deriveKeyPair(ikm: ikm).serialized.exportedBytes
        defer { Zeroize.bytes(&bytes) }
        return try SignaturePrivateKey(scheme: scheme, serialized: bytes)
    }
}

extension KeyPackage {
    /// The KeyPackage as the `MLSMessage` that carries it (RFC 9420 §6, `mls_key_package`).
    public var mlsMessage: MLSMessage { MLSMessage(.keyPackage(value)) }
}
