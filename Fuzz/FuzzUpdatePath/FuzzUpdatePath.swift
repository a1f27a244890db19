import MLS
import WireFormat

/// A four-member suite-1 group whose keys come from fixed seeds (so runs are reproducible), and
/// one valid UpdatePath from each member, made once per process.
private struct Fixture {
    static let groupID: [UInt8] = Array("fuzz-update-path".utf8)
    let crypto: CryptoSuite
    let tree: RatchetTree
    let leafKeys: [HPKEPrivateKey]
    let paths: [UpdatePath]
    let commitSecrets: [Secret]

    static func context(_ treeHash: [UInt8]) -> [UInt8] {
        var writer = WireWriter()
        writer.writeOpaque(groupID)
        writer.writeOpaque(treeHash)
        return writer.bytes
    }

    init() throws {
        crypto = try CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519)
        let crypto = crypto
        var signers: [SignaturePrivateKey] = []
        var leafKeys: [HPKEPrivateKey] = []
        var leaves: [LeafNode] = []
        for i in 0..<4 {
            let signer = try SignaturePrivateKey(scheme: .ed25519, serialized: [UInt8](repeating: UInt8(i + 1), count: 32))
            let key = try crypto.kem.deriveKeyPair(ikm: [UInt8](repeating: UInt8(0x10 + i), count: 32))
            let identity = LetterlockIdentity(accountID: [UInt8](repeating: UInt8(i), count: 16), deviceID: [UInt8](repeating: 0xD0, count: 16))!
            var leaf = LeafNode(
                encryptionKey: key.publicKey, signatureKey: signer.publicKey, credential: Credential(identity),
                capabilities: Capabilities(cipherSuites: [crypto.cipherSuite]), source: .keyPackage(Lifetime(notBefore: 0, notAfter: 1 << 40)),
                extensions: [], signature: [])
            leaf.signature = try crypto.signWithLabel(privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: [], leafIndex: 0))
            signers.append(signer)
            leafKeys.append(key)
            leaves.append(leaf)
        }
        var tree = RatchetTree(crypto: crypto, creator: leaves[0])
        tree.add(Array(leaves.dropFirst()))
        var paths: [UpdatePath] = []
        var commitSecrets: [Secret] = []
        for sender in 0..<4 {
            var copy = tree
            let template = leaves[sender]
            let signer = signers[sender]
            let created = try copy.createUpdatePath(
                from: UInt32(sender), leafSecret: Secret(bytes: [UInt8](repeating: UInt8(0x20 + sender), count: 32)),
                signLeaf: { (parentHash, key) throws(MLSCryptoError) -> LeafNode in
                    var leaf = template
                    leaf.encryptionKey = key
                    leaf.source = .commit(parentHash: parentHash)
                    leaf.signature = try crypto.signWithLabel(
                        privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: Self.groupID, leafIndex: UInt32(sender)))
                    return leaf
                },
                groupContext: Self.context)
            paths.append(created.updatePath)
            commitSecrets.append(created.commitSecret)
        }
        self.tree = tree
        self.leafKeys = leafKeys
        self.paths = paths
        self.commitSecrets = commitSecrets
    }
}

private let fixture = try? Fixture()

/// libFuzzer entry point for UpdatePaths (RFC 9420 §7.5, §12.4.2) against a fixed four-member
/// tree. Input: `mode, sender, receiver, rest...`.
///
/// - even `mode`: `rest` is decoded as an UpdatePath (and must re-encode to itself);
/// - odd `mode`: the fixture's valid path from `sender` is encoded and `rest`, read as
///   (offset high, offset low, xor) triples, flips bytes in it before decoding, so the fuzzer
///   works near paths whose ciphertexts really decrypt.
///
/// `sender` ranges over 0-5 (4 and 5 lie outside the tree). The path goes through
/// `mergeUpdatePath`, the leaf through `LeafNodeValidator` (commit context), and, when merged,
/// `decryptPathSecret` as `receiver`. Everything must end in a typed error or success; an
/// unmodified fixture path must decrypt to the fixture's commit secret.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard let fixture else { fatalError("fixture unavailable") }
    guard size >= 3 else { return 0 }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let mode = input[0]
    let sender = UInt32(input[1] % 6)
    let receiver = UInt32(input[2] % 4)
    let rest = Array(input[3...])

    let path: UpdatePath
    var pristine = false
    if mode & 1 == 0 {
        do {
            path = try UpdatePath(wireBytes: rest)
        } catch {
            _ = error.description
            return 0
        }
        if path.wireBytes != rest { fatalError("re-encoding differs from the accepted input") }
    } else {
        var encoded = fixture.paths[Int(sender % 4)].wireBytes
        var i = 0
        while i + 2 < rest.count {
            let offset = (Int(rest[i]) << 8 | Int(rest[i + 1])) % encoded.count
            encoded[offset] ^= rest[i + 2]
            i += 3
        }
        pristine = encoded == fixture.paths[Int(sender % 4)].wireBytes
        do {
            path = try UpdatePath(wireBytes: encoded)
        } catch {
            _ = error.description
            return 0
        }
    }

    var tree = fixture.tree
    do {
        try tree.mergeUpdatePath(path, from: sender)
    } catch {
        _ = error.description
        if tree != fixture.tree { fatalError("a failed merge changed the tree") }
        if pristine && sender < 4 { fatalError("the fixture's own path did not merge: \(error)") }
        return 0
    }
    let validator = LeafNodeValidator(crypto: fixture.crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .ignore)
    do {
        try validator.validate(
            path.leafNode, in: .commit(groupID: Fixture.groupID, leafIndex: sender, replacing: fixture.tree.leaf(at: sender)), requirements: .none)
    } catch {
        _ = error.description
    }
    let state = TreeKEMPrivateState(leafIndex: receiver, leafKey: fixture.leafKeys[Int(receiver)])
    do {
        let decrypted = try tree.decryptPathSecret(of: path, from: sender, privateState: state, groupContext: Fixture.context(tree.treeHash()))
        if pristine && decrypted.commitSecret != fixture.commitSecrets[Int(sender)] { fatalError("the fixture's path gave another commit secret") }
    } catch {
        _ = error.description
        if pristine && receiver != sender { fatalError("the fixture's own path did not decrypt: \(error)") }
    }
    return 0
}
