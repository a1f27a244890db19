import Crypto
import MLS
import WireFormat

/// A client for tests: fresh signature, HPKE and init keys, a Letterlock identity, and
/// helpers that build correctly signed LeafNodes and KeyPackages.
struct TestMember {
    let crypto: CryptoSuite
    let signer: SignaturePrivateKey
    let encryptionKey: HPKEPrivateKey
    let initKey: HPKEPrivateKey
    let identity: LetterlockIdentity

    init(suite: CipherSuite = .mls128DHKEMX25519AES128GCMSHA256Ed25519, number: UInt8 = 0) throws {
        crypto = try CryptoSuite(suite)
        signer = SignaturePrivateKey.generate(scheme: crypto.signatureScheme)
        encryptionKey = try HPKEPrivateKey.generate(kem: crypto.kem)
        initKey = try HPKEPrivateKey.generate(kem: crypto.kem)
        identity = LetterlockIdentity(accountID: Array(repeating: number, count: 16), deviceID: Array(repeating: 0xD0 &+ number, count: 16))!
    }

    var capabilities: Capabilities {
        Capabilities(cipherSuites: [crypto.cipherSuite])
    }

    /// A signed leaf node; `groupID` and `leafIndex` matter for `update` and `commit` sources.
    func leafNode(source: LeafNodeSource = .keyPackage(Lifetime(notBefore: 0, notAfter: UInt64.max / 2)), groupID: [UInt8] = [], leafIndex: UInt32 = 0, encryptionKey: [UInt8]? = nil) throws -> LeafNode {
        var leaf = LeafNode(
            encryptionKey: encryptionKey ?? self.encryptionKey.publicKey,
            signatureKey: signer.publicKey,
            credential: Credential(identity),
            capabilities: capabilities,
            source: source,
            extensions: [],
            signature: []
        )
        leaf.signature = try crypto.signWithLabel(privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: groupID, leafIndex: leafIndex))
        return leaf
    }

    /// A signed KeyPackage with a lifetime from `notBefore` to `notAfter`.
    func keyPackage(notBefore: UInt64 = 1_000, notAfter: UInt64 = 2_000) throws -> KeyPackageIn {
        var keyPackage = KeyPackageIn(
            cipherSuite: crypto.cipherSuite,
            initKey: initKey.publicKey,
            leafNode: try leafNode(source: .keyPackage(Lifetime(notBefore: notBefore, notAfter: notAfter))),
            extensions: [],
            signature: []
        )
        keyPackage.signature = try crypto.signWithLabel(privateKey: signer, label: "KeyPackageTBS", content: keyPackage.toBeSigned)
        return keyPackage
    }
}
