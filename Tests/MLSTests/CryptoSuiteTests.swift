import MLS
import Testing
import WireFormat

@Suite struct CryptoSuiteTests {
    static let supported = CipherSuite.supported

    @Test func unsupportedSuitesAreRecognisedNotDropped() {
        for raw: UInt16 in [4, 6] {
            let suite = CipherSuite(rawValue: raw)
            #expect(!suite.isSupported)
            #expect(CipherSuite.knownUnsupported.contains(suite))
            #expect(throws: MLSCryptoError.unsupportedCipherSuite(suite)) { try suite.crypto() }
        }
        #expect(throws: MLSCryptoError.self) { try CipherSuite(rawValue: 0x0999).crypto() }
    }

    @Test func postQuantumDefaultIsXWingWithProvisionalCodepoint() throws {
        let suite = CipherSuite.letterlockDefault
        #expect(suite.rawValue == CipherSuite.provisionalMLKEM768X25519Codepoint)
        #expect((0xF000...0xFFFF).contains(suite.rawValue))  // RFC 9420 §17.1 private use
        let crypto = try suite.crypto()
        #expect(crypto.kem == .xwing)
        #expect(crypto.kem.identifier == 0x647a)
        #expect(crypto.aead == .aes128GCM)
        #expect(crypto.hash == .sha256)
        #expect(crypto.signatureScheme == .ed25519)
        #expect(suite.name == "MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519")
    }

    /// Review M6: a peer's codepoint for the PQ suite is an alias; the group keeps that value on
    /// the wire (it is signed and hashed), with the primitives of the suite it names.
    @Test func aliasesKeepThePeersCodepointOnTheWire() throws {
        let peerValue = CipherSuite(rawValue: 0x004D)
        let aliases = [peerValue: CipherSuite.letterlockDefault]
        #expect(throws: MLSCryptoError.unsupportedCipherSuite(peerValue)) { try CryptoSuite(peerValue) }
        let crypto = try CryptoSuite(peerValue, aliases: aliases)
        let native = try CryptoSuite(.letterlockDefault)
        #expect(crypto.cipherSuite == peerValue)
        #expect(crypto.kem == native.kem && crypto.aead == native.aead && crypto.hash == native.hash)
        #expect(crypto.signatureScheme == native.signatureScheme)
        #expect(try CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519, aliases: aliases).cipherSuite == .mls128DHKEMX25519AES128GCMSHA256Ed25519)

        // A KeyPackage made on the alias carries the peer's value and validates only under it.
        let identity = LetterlockIdentity(accountID: Array(repeating: 1, count: 16), deviceID: Array(repeating: 2, count: 16))!
        let bundle = try KeyPackageBundle(crypto: crypto, identity: identity, now: 1_000_000)
        let wire = try MLSMessage(wireBytes: bundle.mlsMessage.wireBytes)
        guard case .keyPackage(let received) = wire.body else { Issue.record("not a key package"); return }
        #expect(received.cipherSuite == peerValue)
        #expect(received.leafNode.capabilities.cipherSuites.contains(peerValue))
        let policy = LifetimePolicy.check(now: { 1_000_000 })
        _ = try received.validate(
            validator: LeafNodeValidator(crypto: crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: policy),
            requirements: .none)
        #expect(throws: KeyPackageValidationError.cipherSuite) {
            try received.validate(
                validator: LeafNodeValidator(crypto: native, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: policy),
                requirements: .none)
        }

        // Registered values cannot be redefined; aliases do not chain; the target must be implemented.
        #expect(throws: MLSCryptoError.invalidArgument("cipher suite alias redefines a registered suite")) {
            try CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519, aliases: [.mls128DHKEMX25519AES128GCMSHA256Ed25519: .letterlockDefault])
        }
        #expect(throws: MLSCryptoError.invalidArgument("cipher suite alias points to an alias")) {
            try CryptoSuite(peerValue, aliases: [peerValue: CipherSuite(rawValue: 0x004E), CipherSuite(rawValue: 0x004E): .letterlockDefault])
        }
        #expect(throws: MLSCryptoError.unsupportedCipherSuite(.mls256DHKEMX448AES256GCMSHA512Ed448)) {
            try CryptoSuite(peerValue, aliases: [peerValue: .mls256DHKEMX448AES256GCMSHA512Ed448])
        }
    }

    @Test(arguments: supported)
    func hpkeRoundTripsAndRejectsTampering(suite: CipherSuite) throws {
        let crypto = try suite.crypto()
        let key = try HPKEPrivateKey.generate(kem: crypto.kem)
        let sealed = try crypto.encryptWithLabel(publicKey: key.publicKey, label: "Test", context: [1, 2], plaintext: [9, 9, 9])
        #expect(
            try crypto.decryptWithLabel(privateKey: key, label: "Test", context: [1, 2], kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
                == [9, 9, 9])
        #expect(throws: MLSCryptoError.decryptionFailed) {
            try crypto.decryptWithLabel(privateKey: key, label: "Other", context: [1, 2], kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
        }
        var tampered = sealed.ciphertext
        tampered[0] ^= 1
        #expect(throws: MLSCryptoError.decryptionFailed) {
            try crypto.decryptWithLabel(privateKey: key, label: "Test", context: [1, 2], kemOutput: sealed.kemOutput, ciphertext: tampered)
        }
        #expect(throws: MLSCryptoError.decryptionFailed) {
            try crypto.decryptWithLabel(privateKey: key, label: "Test", context: [1, 2], kemOutput: [1, 2, 3], ciphertext: sealed.ciphertext)
        }
    }

    /// swift-crypto's HPKE accepts a key of another KEM (TOOLCHAIN.md); we must not.
    @Test func hpkeRejectsKeysOfAnotherKEM() throws {
        let x25519 = try CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()
        let xwing = try CipherSuite.letterlockDefault.crypto()
        let xwingKey = try HPKEPrivateKey.generate(kem: .xwing)
        #expect(throws: MLSCryptoError.invalidPublicKey) {
            try x25519.encryptWithLabel(publicKey: xwingKey.publicKey, label: "L", context: [], plaintext: [1])
        }
        let sealed = try xwing.encryptWithLabel(publicKey: xwingKey.publicKey, label: "L", context: [], plaintext: [1])
        #expect(throws: MLSCryptoError.invalidPrivateKey) {
            try x25519.decryptWithLabel(privateKey: xwingKey, label: "L", context: [], kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext)
        }
    }

    @Test(arguments: supported)
    func signaturesVerifyOnlyWithTheirLabel(suite: CipherSuite) throws {
        let crypto = try suite.crypto()
        let key = SignaturePrivateKey.generate(scheme: crypto.signatureScheme)
        let signature = try crypto.signWithLabel(privateKey: key, label: "LeafNodeTBS", content: [1, 2, 3])
        #expect(crypto.verifyWithLabel(publicKey: key.publicKey, label: "LeafNodeTBS", content: [1, 2, 3], signature: signature))
        #expect(!crypto.verifyWithLabel(publicKey: key.publicKey, label: "KeyPackageTBS", content: [1, 2, 3], signature: signature))
        #expect(!crypto.verifyWithLabel(publicKey: key.publicKey, label: "LeafNodeTBS", content: [1, 2, 4], signature: signature))
        #expect(!crypto.verifyWithLabel(publicKey: [0x04, 1, 2], label: "LeafNodeTBS", content: [1, 2, 3], signature: signature))
        #expect(!crypto.verifyWithLabel(publicKey: key.publicKey, label: "LeafNodeTBS", content: [1, 2, 3], signature: []))
        if crypto.signatureScheme != .ed25519 {
            #expect(signature.first == 0x30)  // RFC 9420 §5.1.2: ECDSA signatures are DER
        }
        let restored = try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: key.serialized.exportedBytes)
        #expect(restored.publicKey == key.publicKey)
    }

    @Test(arguments: supported)
    func aeadRoundTripsAndChecksLengths(suite: CipherSuite) throws {
        let crypto = try suite.crypto()
        let key = Secret(bytes: [UInt8](repeating: 7, count: crypto.aead.keyByteCount))
        let nonce = [UInt8](repeating: 1, count: crypto.aead.nonceByteCount)
        let sealed = try crypto.seal(key: key, nonce: nonce, aad: [5], plaintext: [1, 2, 3])
        #expect(sealed.count == 3 + crypto.aead.tagByteCount)
        #expect(try crypto.open(key: key, nonce: nonce, aad: [5], ciphertext: sealed) == [1, 2, 3])
        #expect(throws: MLSCryptoError.decryptionFailed) { try crypto.open(key: key, nonce: nonce, aad: [6], ciphertext: sealed) }
        #expect(throws: MLSCryptoError.decryptionFailed) { try crypto.open(key: key, nonce: nonce, aad: [5], ciphertext: [1, 2]) }
        #expect(throws: MLSCryptoError.self) { try crypto.seal(key: Secret(bytes: [1]), nonce: nonce, aad: [], plaintext: []) }
        #expect(throws: MLSCryptoError.self) { try crypto.seal(key: key, nonce: [1], aad: [], plaintext: []) }
    }

    @Test func expandRejectsOversizedOutput() throws {
        let crypto = try CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()
        #expect(throws: MLSCryptoError.self) {
            try crypto.expandWithLabel(secret: Secret(zeros: 32), label: "x", context: [], length: 255 * 32 + 1)
        }
        #expect(try crypto.expandWithLabel(secret: Secret(zeros: 32), label: "x", context: [], length: 255 * 32).count == 255 * 32)
    }

    @Test func secretsDoNotPrintTheirBytes() throws {
        let secret = Secret(bytes: [0xde, 0xad, 0xbe, 0xef])
        #expect("\(secret)" == "Secret(4 bytes)")
        #expect(!String(reflecting: secret).contains("de"))
        let key = try HPKEPrivateKey.generate(kem: .dhkemX25519)
        #expect("\(key)" == "HPKEPrivateKey(dhkemX25519)")
        #expect(Secret(bytes: [1, 2]) == Secret(bytes: [1, 2]))
        #expect(Secret(bytes: [1, 2]) != Secret(bytes: [1, 3]))
        #expect(Secret(bytes: [1, 2]) != Secret(bytes: [1, 2, 0]))
    }

    @Test func constantTimeCompare() {
        #expect(ConstantTime.equals([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equals([1, 2, 3], [1, 2]))
        #expect(ConstantTime.equals([], []))
    }
}

@Suite struct SignatureKeyEncodingTests {
    /// A minimal big-endian ECDSA scalar (leading zero dropped) is the same key.
    @Test func shortECDSAScalarsAreLeftPadded() throws {
        var key = SignaturePrivateKey.generate(scheme: .ecdsaSecp256r1SHA256)
        while key.serialized.exportedBytes.first != 0 { key = SignaturePrivateKey.generate(scheme: .ecdsaSecp256r1SHA256) }
        let short = Array(key.serialized.exportedBytes.dropFirst())
        #expect(try SignaturePrivateKey(scheme: .ecdsaSecp256r1SHA256, serialized: short).publicKey == key.publicKey)
        #expect(throws: MLSCryptoError.invalidPrivateKey) {
            try SignaturePrivateKey(scheme: .ecdsaSecp256r1SHA256, serialized: [UInt8](repeating: 1, count: 33))
        }
        #expect(throws: MLSCryptoError.invalidPrivateKey) { try SignaturePrivateKey(scheme: .ed25519, serialized: [1, 2, 3]) }
    }
}
