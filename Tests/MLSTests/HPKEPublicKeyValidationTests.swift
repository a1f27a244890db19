import Crypto
import MLS
import Testing
import WireFormat

/// Review M3: HPKE public keys are decoded with the suite's KEM where they enter the group
/// (KeyPackage `init_key`, leaf `encryption_key`, UpdatePath node keys), with a typed error.
@Suite struct HPKEPublicKeyValidationTests {
    /// A key of the right shape for nothing: a P-curve "point" off the curve, a short X25519 or X-Wing key.
    static func badKey(for crypto: CryptoSuite) -> [UInt8] {
        switch crypto.kem {
        case .dhkemP256: [0x04] + [UInt8](repeating: 0x01, count: 64)
        case .dhkemP384: [0x04] + [UInt8](repeating: 0x01, count: 96)
        case .dhkemP521: [0x04] + [UInt8](repeating: 0x01, count: 132)
        case .dhkemX25519: [UInt8](repeating: 0x09, count: 31)
        case .xwing: [UInt8](repeating: 0x09, count: 1215)
        }
    }

    static func validator(_ crypto: CryptoSuite) -> LeafNodeValidator {
        LeafNodeValidator(crypto: crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .check(now: { 1_500 }))
    }

    static func resign(_ keyPackage: inout KeyPackageIn, by member: TestMember) throws {
        keyPackage.signature = try member.crypto.signWithLabel(privateKey: member.signer, label: "KeyPackageTBS", content: keyPackage.toBeSigned)
    }

    @Test(arguments: CipherSuite.supported)
    func aKeyPackageWithAnUndecodableInitKeyIsRejected(suite: CipherSuite) throws {
        let member = try TestMember(suite: suite)
        #expect(member.crypto.isValidHPKEPublicKey(member.initKey.publicKey))
        #expect(!member.crypto.isValidHPKEPublicKey(Self.badKey(for: member.crypto)))
        var keyPackage = try member.keyPackage()
        keyPackage.initKey = Self.badKey(for: member.crypto)
        try Self.resign(&keyPackage, by: member)
        #expect(throws: KeyPackageValidationError.invalidInitKey) {
            try keyPackage.validate(validator: Self.validator(member.crypto), requirements: .none)
        }
    }

    @Test(arguments: CipherSuite.supported)
    func aLeafWithAnUndecodableEncryptionKeyIsRejected(suite: CipherSuite) throws {
        let member = try TestMember(suite: suite)
        var keyPackage = try member.keyPackage()
        keyPackage.leafNode = try member.leafNode(source: .keyPackage(Lifetime(notBefore: 1_000, notAfter: 2_000)), encryptionKey: Self.badKey(for: member.crypto))
        try Self.resign(&keyPackage, by: member)
        #expect(throws: KeyPackageValidationError.leafNode(.invalidEncryptionKey)) {
            try keyPackage.validate(validator: Self.validator(member.crypto), requirements: .none)
        }
        // The same check guards Update leaves.
        let update = try member.leafNode(source: .update, groupID: [1], leafIndex: 3, encryptionKey: Self.badKey(for: member.crypto))
        #expect(throws: LeafNodeValidationError.invalidEncryptionKey) {
            try Self.validator(member.crypto).validate(
                update, in: .update(groupID: [1], leafIndex: 3, replacing: try member.leafNode()), requirements: .none)
        }
    }

    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .mls128DHKEMP256AES128GCMSHA256P256, .letterlockDefault])
    func anUpdatePathWithAnUndecodableKeyIsRejected(suite: CipherSuite) throws {
        var (tree, members) = try RatchetTreeTests.group(4, suite: suite)
        let before = tree
        let created = try RatchetTreeTests.commit(&tree, sender: 1, members: members)
        var path = created.updatePath
        path.nodes[0].encryptionKey = Self.badKey(for: tree.crypto)
        var receiver = before
        #expect(throws: TreeKEMError.invalidPublicKey) { try receiver.mergeUpdatePath(path, from: 1) }
        #expect(receiver == before)
        path = created.updatePath
        path.leafNode.encryptionKey = Self.badKey(for: tree.crypto)
        #expect(throws: TreeKEMError.invalidPublicKey) { try receiver.mergeUpdatePath(path, from: 1) }
    }
}
