import MLS
import WireFormat

/// libFuzzer entry point for the PrivateMessage / PublicMessage unprotect paths (RFC 9420 §6).
///
/// A malicious *member* holds the epoch's keys and can encrypt any plaintext, so everything after
/// AEAD decryption is untrusted input too. The first byte picks what the rest of the input is:
/// - 0: SenderData plaintext;
/// - 1, 2, 3: a PrivateMessageContent plaintext of that content type, decoded directly, and also
///   encrypted with the real epoch keys (as an insider would) and run through `unprotectPrivate`;
/// - 4: an MLSMessage from the network, run through `unprotectPublic` / `unprotectPrivate`.
/// Every outcome must be a value or a typed error, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let rest = Array(bytes.dropFirst())
    let environment = FuzzEnvironment.shared
    switch bytes[0] % 5 {
    case 0:
        _ = try? SenderData(wireBytes: rest)
    case 1, 2, 3:
        let contentType = ContentType(rawValue: bytes[0] % 5)!  // 1...3 are the three content types
        _ = try? PrivateMessageContent(decoding: rest, contentType: contentType)
        environment.insiderPlaintext(rest, contentType: contentType)
    default:
        guard let message = try? MLSMessage(wireBytes: rest) else { return 0 }
        environment.unprotect(message)
    }
    return 0
}

private struct FuzzEnvironment: Sendable {
    static let shared = FuzzEnvironment()

    let crypto: CryptoSuite
    let protection: MessageProtection
    let signer: SignaturePrivateKey
    let encryptionSecret: Secret
    let senderDataSecret = Secret(bytes: [UInt8](repeating: 2, count: 32))
    let membershipKey = Secret(bytes: [UInt8](repeating: 3, count: 32))

    init() {
        crypto = try! CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()  // a constant, supported suite
        let context = GroupContext(
            cipherSuite: .mls128DHKEMX25519AES128GCMSHA256Ed25519, groupID: [1, 2, 3], epoch: 7, treeHash: [4], confirmedTranscriptHash: [5])
        protection = MessageProtection(crypto: crypto, groupContext: context)
        signer = try! SignaturePrivateKey(scheme: .ed25519, serialized: [UInt8](repeating: 9, count: 32))  // a constant valid key
        encryptionSecret = Secret(bytes: [UInt8](repeating: 1, count: 32))
    }

    func tree() -> SecretTree? {
        try? SecretTree(crypto: crypto, encryptionSecret: encryptionSecret, leafCount: 4)
    }

    func signatureKey(_ leaf: LeafIndex) -> [UInt8]? {
        leaf.value < 4 ? signer.publicKey : nil
    }

    /// Encrypts `plaintext` as leaf 1's next message of `contentType` with the real keys, then unprotects it.
    func insiderPlaintext(_ plaintext: [UInt8], contentType: ContentType) {
        guard var senderTree = tree(), var receiverTree = tree() else { return }
        let type: SecretTree.RatchetType = contentType == .application ? .application : .handshake
        guard let key = try? senderTree.nextSendingKey(leaf: LeafIndex(1), type: type),
            let nonce = try? crypto.contentNonce(key.nonce, reuseGuard: [0, 0, 0, 0])
        else { return }
        let aad = CryptoSuite.privateContentAAD(groupID: [1, 2, 3], epoch: 7, contentType: contentType.rawValue, authenticatedData: [])
        guard let ciphertext = try? crypto.seal(key: key.key, nonce: nonce, aad: aad, plaintext: plaintext),
            let sealedSender = try? crypto.encryptSenderData(
                SenderData(leafIndex: LeafIndex(1), generation: key.generation, reuseGuard: [0, 0, 0, 0]), senderDataSecret: senderDataSecret,
                contentCiphertext: ciphertext, groupID: [1, 2, 3], epoch: 7, contentType: contentType.rawValue)
        else { return }
        let message = PrivateMessage(
            groupID: [1, 2, 3], epoch: 7, contentType: contentType, authenticatedData: [], encryptedSenderData: sealedSender, ciphertext: ciphertext)
        _ = try? protection.unprotectPrivate(message, secretTree: &receiverTree, senderDataSecret: senderDataSecret, signaturePublicKey: signatureKey)
    }

    func unprotect(_ message: MLSMessage) {
        switch message.body {
        case .publicMessage(let publicMessage):
            _ = try? protection.unprotectPublic(publicMessage, signaturePublicKey: signer.publicKey, membershipKey: membershipKey)
        case .privateMessage(let privateMessage):
            guard var receiverTree = tree() else { return }
            _ = try? protection.unprotectPrivate(
                privateMessage, secretTree: &receiverTree, senderDataSecret: senderDataSecret, signaturePublicKey: signatureKey)
        default:
            break
        }
    }
}
