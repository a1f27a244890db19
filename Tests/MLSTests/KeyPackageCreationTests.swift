import MLS
import Testing
import WireFormat

/// KeyPackage creation (RFC 9420 §10): what ``KeyPackageBundle`` makes is what a receiver
/// accepts, for every supported suite, and any change to it is rejected.
@Suite struct KeyPackageCreationTests {
    static let now: UInt64 = 1_800_000_000
    static let identity = LetterlockIdentity(accountID: Array(repeating: 0xA1, count: 16), deviceID: Array(repeating: 0xD1, count: 16))!

    static func receiver(_ crypto: CryptoSuite, now: UInt64 = now) -> LeafNodeValidator {
        LeafNodeValidator(crypto: crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .check(now: { now }))
    }

    /// Decodes `bytes` as an MLSMessage carrying a KeyPackage and validates it as a receiver would.
    static func receive(_ bytes: [UInt8], crypto: CryptoSuite, now: UInt64 = now) throws -> KeyPackage {
        let message = try MLSMessage(wireBytes: bytes)
        guard case .keyPackage(let keyPackageIn) = message.body else {
            throw WireFormatError.invalidValue("not a key package")
        }
        return try keyPackageIn.validate(validator: receiver(crypto, now: now), requirements: .none)
    }

    @Test(arguments: CipherSuite.supported)
    func aCreatedKeyPackageDecodesAndValidates(suite: CipherSuite) throws {
        let crypto = try CryptoSuite(suite)
        var generator = SeededGenerator(seed: UInt64(suite.rawValue))
        let bundle = try KeyPackageBundle(crypto: crypto, credential: Credential(Self.identity), now: Self.now, using: &generator)

        let received = try Self.receive(bundle.mlsMessage.wireBytes, crypto: crypto)
        #expect(received == bundle.keyPackage)
        // KeyPackageRef (RFC 9420 §5.2) over the KeyPackage's own encoding.
        #expect(received.reference == crypto.refHash(label: "MLS 1.0 KeyPackage Reference", value: bundle.keyPackage.value.wireBytes))
        #expect(bundle.reference == received.reference)
        #expect(bundle.reference.count == crypto.hashLength)

        // The private keys belong to the public ones.
        #expect(bundle.privateKeys.initKey.publicKey == received.initKey)
        #expect(bundle.privateKeys.encryptionKey.publicKey == received.leafNode.encryptionKey)
        #expect(bundle.privateKeys.signatureKey.publicKey == received.leafNode.signatureKey)
        #expect(received.initKey != received.leafNode.encryptionKey)

        // Lifetime from the injected clock; default capabilities; the Letterlock credential.
        #expect(received.leafNode.lifetime == Lifetime(notBefore: Self.now - 3600, notAfter: Self.now + 28 * 24 * 3600))
        #expect(received.leafNode.capabilities.cipherSuites.contains(suite))
        #expect(received.leafNode.capabilities.credentials == [.basic])
        #expect(LetterlockIdentity(credential: received.leafNode.credential) == Self.identity)

        // Valid only within its lifetime.
        #expect(throws: KeyPackageValidationError.leafNode(.lifetime)) {
            try Self.receive(bundle.mlsMessage.wireBytes, crypto: crypto, now: Self.now + 29 * 24 * 3600)
        }
        #expect(throws: KeyPackageValidationError.leafNode(.lifetime)) {
            try Self.receive(bundle.mlsMessage.wireBytes, crypto: crypto, now: Self.now - 7200)
        }
    }

    /// Every byte changed (up to 300 positions spread over the message) makes decoding or
    /// validation fail: each field is covered by a signature, a length or a check.
    @Test(arguments: CipherSuite.supported)
    func aTamperedKeyPackageIsRejected(suite: CipherSuite) throws {
        let crypto = try CryptoSuite(suite)
        var generator = SeededGenerator(seed: 7)
        let bytes = try KeyPackageBundle(crypto: crypto, credential: Credential(Self.identity), now: Self.now, using: &generator).mlsMessage.wireBytes
        let stride = max(1, bytes.count / 300)
        var accepted: [Int] = []
        for position in Swift.stride(from: 0, to: bytes.count, by: stride) {
            var tampered = bytes
            tampered[position] ^= 0x01
            if (try? Self.receive(tampered, crypto: crypto)) != nil { accepted.append(position) }
        }
        #expect(accepted.isEmpty, "accepted with a byte changed at \(accepted)")
    }

    /// Field-level changes, re-encoded: each is caught by the check RFC 9420 §10.1 names.
    @Test func fieldChangesAreRejectedWithTheirError() throws {
        let crypto = try CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519)
        var generator = SeededGenerator(seed: 11)
        let value = try KeyPackageBundle(crypto: crypto, credential: Credential(Self.identity), now: Self.now, using: &generator).keyPackage.value
        let validator = Self.receiver(crypto)

        var initKeyChanged = value
        initKeyChanged.initKey[0] ^= 1
        #expect(throws: KeyPackageValidationError.badSignature) { try initKeyChanged.validate(validator: validator, requirements: .none) }

        var leafChanged = value
        leafChanged.leafNode.capabilities.proposals.append(ProposalType(rawValue: 0x0A0A))
        #expect(throws: KeyPackageValidationError.leafNode(.badSignature)) { try leafChanged.validate(validator: validator, requirements: .none) }

        var suiteChanged = value
        suiteChanged.cipherSuite = .mls128DHKEMX25519ChaCha20Poly1305SHA256Ed25519
        #expect(throws: KeyPackageValidationError.cipherSuite) { try suiteChanged.validate(validator: validator, requirements: .none) }

        var extensionAdded = value
        extensionAdded.extensions.append(Extension(extensionType: ExtensionType(rawValue: 0xFF00), extensionData: [1]))
        #expect(throws: KeyPackageValidationError.extensionNotInCapabilities) { try extensionAdded.validate(validator: validator, requirements: .none) }
    }

    /// The injected generator fixes every key: an Ed25519 suite's KeyPackage is reproducible, and
    /// another seed gives other keys.
    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault])
    func theInjectedGeneratorDeterminesTheKeys(suite: CipherSuite) throws {
        let crypto = try CryptoSuite(suite)
        func make(seed: UInt64) throws -> KeyPackageBundle {
            var generator = SeededGenerator(seed: seed)
            return try KeyPackageBundle(crypto: crypto, credential: Credential(Self.identity), now: Self.now, using: &generator)
        }
        let a = try make(seed: 1), b = try make(seed: 1), c = try make(seed: 2)
        #expect(a.mlsMessage.wireBytes == b.mlsMessage.wireBytes)
        #expect(a.privateKeys.initKey.serialized == b.privateKeys.initKey.serialized)
        #expect(a.keyPackage.initKey != c.keyPackage.initKey)
        #expect(a.keyPackage.leafNode.encryptionKey != c.keyPackage.leafNode.encryptionKey)
        #expect(a.keyPackage.leafNode.signatureKey != c.keyPackage.leafNode.signatureKey)
    }

    /// A device reuses its signature key (the one key transparency binds to the identity).
    @Test func aGivenSignatureKeyIsUsed() throws {
        let crypto = try CryptoSuite(.letterlockDefault)
        let signer = try KeyPackagePrivateKeys(
            crypto: crypto, initKey: Secret(zeros: 32), encryptionKey: Secret(zeros: 32),
            signatureKey: Secret(bytes: [UInt8](repeating: 0x42, count: 32))
        ).signatureKey
        let bundle = try KeyPackageBundle(crypto: crypto, identity: Self.identity, signatureKey: signer, now: Self.now)
        #expect(bundle.keyPackage.leafNode.signatureKey == signer.publicKey)
        _ = try Self.receive(bundle.mlsMessage.wireBytes, crypto: crypto)

        let p256 = try CryptoSuite(.mls128DHKEMP256AES128GCMSHA256P256)
        #expect(throws: KeyPackageCreationError.signatureKeyScheme) {
            try KeyPackageBundle(crypto: p256, identity: Self.identity, signatureKey: signer, now: Self.now)
        }
    }

    /// Extensions: non-default types are listed in the default capabilities; explicit capabilities
    /// that leave one out are refused before anything is published.
    @Test func extensionsAndCapabilities() throws {
        let crypto = try CryptoSuite(.letterlockDefault)
        let custom = Extension(extensionType: ExtensionType(rawValue: 0xF001), extensionData: [1, 2, 3])
        let leafCustom = Extension(extensionType: ExtensionType(rawValue: 0xF002), extensionData: [4])
        let applicationID = Extension(extensionType: .applicationID, extensionData: Array("letterlock".utf8))
        let bundle = try KeyPackageBundle(
            crypto: crypto, identity: Self.identity,
            configuration: .init(extensions: [custom], leafExtensions: [applicationID, leafCustom]), now: Self.now)
        let received = try Self.receive(bundle.mlsMessage.wireBytes, crypto: crypto)
        #expect(received.value.extensions == [custom])
        #expect(received.leafNode.extensions == [applicationID, leafCustom])
        #expect(received.leafNode.capabilities.extensions == [leafCustom.extensionType, custom.extensionType])

        #expect(throws: KeyPackageCreationError.invalid(.extensionNotInCapabilities)) {
            try KeyPackageBundle(
                crypto: crypto, identity: Self.identity,
                configuration: .init(capabilities: Capabilities(cipherSuites: [crypto.cipherSuite]), extensions: [custom]), now: Self.now)
        }
        #expect(throws: KeyPackageCreationError.lifetime) {
            try KeyPackageBundle(crypto: crypto, identity: Self.identity, now: UInt64.max - 10)
        }
    }

    /// Neither the bundle nor its keys print key material.
    @Test func descriptionsHoldNoKeyMaterial() throws {
        let crypto = try CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519)
        let bundle = try KeyPackageBundle(crypto: crypto, identity: Self.identity, now: Self.now)
        let printed = "\(bundle) \(bundle.privateKeys) \(String(reflecting: bundle.privateKeys))"
        for secret in [bundle.privateKeys.initKey.serialized, bundle.privateKeys.encryptionKey.serialized, bundle.privateKeys.signatureKey.serialized] {
            let hex = secret.exportedBytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
            #expect(!printed.lowercased().contains(hex.prefix(8)))
        }
        #expect(!printed.contains("["))
    }
}
