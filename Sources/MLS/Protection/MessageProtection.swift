import WireFormat

/// Protecting and unprotecting handshake and application messages (RFC 9420 §6): signatures over
/// FramedContentTBS, PublicMessage membership tags, and PrivateMessage content and sender-data
/// encryption with padding.
///
/// One value per epoch: it holds the suite and the encoded GroupContext the signatures cover.
/// Unprotecting checks everything §6 asks of the framing layer (group and epoch, membership tag,
/// signature, sender-data decoding, padding); what depends on group state beyond the framing
/// (the sender's leaf being a member, the confirmation tag of a Commit, proposal validity) is the
/// caller's.
public struct MessageProtection: Sendable {
    public let crypto: CryptoSuite
    public let groupContext: GroupContext
    /// `groupContext`, encoded once.
    private let encodedGroupContext: [UInt8]

    public init(crypto: CryptoSuite, groupContext: GroupContext) {
        self.crypto = crypto
        self.groupContext = groupContext
        encodedGroupContext = groupContext.wireBytes
    }

    // MARK: Signatures (§6.1)

    /// `FramedContentTBS`: version, wire format, content, and the GroupContext for member and
    /// new-member-commit senders.
    func framedContentTBS(_ content: FramedContent, wireFormat: MLSWireFormat) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: 64 + encodedGroupContext.count)
        writer.write(ProtocolVersion.mls10)
        writer.write(wireFormat)
        writer.write(content)
        switch content.sender {
        case .member, .newMemberCommit: writer.writeBytes(encodedGroupContext)
        case .external, .newMemberProposal: break
        }
        return writer.bytes
    }

    /// Signs `content` for `wireFormat`: the FramedContentAuthData with `confirmationTag` (required
    /// exactly for Commits).
    func authenticate(
        _ content: FramedContent, wireFormat: MLSWireFormat, confirmationTag: [UInt8]?, signer: SignaturePrivateKey
    ) throws(MessageProtectionError) -> (tbs: [UInt8], auth: FramedContentAuthData) {
        guard (content.contentType == .commit) == (confirmationTag != nil) else { throw .confirmationTagMismatch }
        let tbs = framedContentTBS(content, wireFormat: wireFormat)
        let signature: [UInt8]
        do {
            signature = try crypto.signWithLabel(privateKey: signer, label: "FramedContentTBS", content: tbs)
        } catch {
            throw .signingFailed
        }
        return (tbs, FramedContentAuthData(signature: signature, confirmationTag: confirmationTag))
    }

    private func checkGroupAndEpoch(groupID: [UInt8], epoch: UInt64) throws(MessageProtectionError) {
        guard groupID == groupContext.groupID else { throw .wrongGroup }
        guard epoch == groupContext.epoch else { throw .wrongEpoch }
    }

    /// RFC 9420 §6.1: what each non-member sender type may send. `external` and
    /// `new_member_proposal` send proposals only, the latter only Add; `new_member_commit` sends
    /// only commits. Which proposal types an external sender may use is the group's policy, the
    /// caller's check.
    static func checkContentType(of content: FramedContent) throws(MessageProtectionError) {
        switch (content.sender, content.body) {
        case (.member, _), (.external, .proposal), (.newMemberProposal, .proposal(.add)), (.newMemberCommit, .commit):
            return
        case (.external, _), (.newMemberProposal, _), (.newMemberCommit, _):
            throw .invalidSenderForContentType
        }
    }

    // MARK: PublicMessage (§6.2)

    /// A PublicMessage carrying `content`, signed by `signer`; members' messages also get a
    /// membership tag under `membershipKey`.
    /// - Throws: ``MessageProtectionError/applicationMustBeEncrypted`` for application data (§6.2:
    ///   application messages are always PrivateMessages).
    public func protectPublic(
        _ content: FramedContent, confirmationTag: [UInt8]? = nil, signer: SignaturePrivateKey, membershipKey: Secret?
    ) throws(MessageProtectionError) -> PublicMessage {
        guard content.contentType != .application else { throw .applicationMustBeEncrypted }
        try Self.checkContentType(of: content)
        try checkGroupAndEpoch(groupID: content.groupID, epoch: content.epoch)
        let (tbs, auth) = try authenticate(content, wireFormat: .publicMessage, confirmationTag: confirmationTag, signer: signer)
        var membershipTag: [UInt8]?
        if case .member = content.sender {
            guard let membershipKey else { throw .missingMembershipKey }
            membershipTag = crypto.membershipTag(membershipKey: membershipKey, authenticatedContentTBM: Self.tbm(tbs, auth))
        }
        return PublicMessage(content: content, auth: auth, membershipTag: membershipTag)
    }

    /// Verifies a PublicMessage: the content type allowed for the sender type (§6.1), group and
    /// epoch, the membership tag (members' messages, constant time), and the signature under
    /// `signaturePublicKey` (the sender's key, which the caller resolves from the sender).
    public func unprotectPublic(
        _ message: PublicMessage, signaturePublicKey: [UInt8], membershipKey: Secret?
    ) throws(MessageProtectionError) -> AuthenticatedContent {
        let content = message.content
        guard content.contentType != .application else { throw .applicationMustBeEncrypted }
        try checkGroupAndEpoch(groupID: content.groupID, epoch: content.epoch)
        guard (content.contentType == .commit) == (message.auth.confirmationTag != nil) else { throw .confirmationTagMismatch }
        try Self.checkContentType(of: content)
        let tbs = framedContentTBS(content, wireFormat: .publicMessage)
        if case .member = content.sender {
            guard let membershipKey else { throw .missingMembershipKey }
            guard let tag = message.membershipTag,
                crypto.verifyMAC(key: membershipKey, data: Self.tbm(tbs, message.auth), tag: tag)
            else { throw .invalidMembershipTag }
        } else if message.membershipTag != nil {
            throw .invalidMembershipTag
        }
        guard crypto.verifyWithLabel(publicKey: signaturePublicKey, label: "FramedContentTBS", content: tbs, signature: message.auth.signature)
        else { throw .invalidSignature }
        return AuthenticatedContent(wireFormat: .publicMessage, content: content, auth: message.auth)
    }

    /// The largest PrivateMessage plaintext accepted: the MLS vector limit (2^30 - 1 bytes, RFC
    /// 9420 §2.1.2) less room for the signature, tags and headers.
    static let maximumPlaintextLength = (1 << 30) - 4096

    /// Whether the variable-size parts of `content` plus `paddingLength` stay under
    /// ``maximumPlaintextLength``, so no vector in the encoded message reaches 2^30 bytes.
    static func fitsInMessage(_ content: FramedContent, paddingLength: Int) -> Bool {
        var total = content.groupID.count
        for part in [content.authenticatedData.count, paddingLength] {
            let (sum, overflow) = total.addingReportingOverflow(part)
            guard !overflow else { return false }
            total = sum
        }
        if case .application(let data) = content.body {
            let (sum, overflow) = total.addingReportingOverflow(data.count)
            guard !overflow else { return false }
            total = sum
        }
        return total <= maximumPlaintextLength
    }

    /// `AuthenticatedContentTBM { FramedContentTBS content_tbs; FramedContentAuthData auth; }`.
    private static func tbm(_ tbs: [UInt8], _ auth: FramedContentAuthData) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: tbs.count + auth.signature.count + 80)
        writer.writeBytes(tbs)
        auth.encode(to: &writer)
        return writer.bytes
    }

    // MARK: PrivateMessage (§6.3)

    /// A PrivateMessage carrying `content` from a member: signed, encrypted under the next key of
    /// the sender's ratchet (handshake for proposals and commits, application for application
    /// data), with `paddingLength` zero bytes of padding and the fresh random `reuseGuard`.
    public func protectPrivate(
        _ content: FramedContent, confirmationTag: [UInt8]? = nil, signer: SignaturePrivateKey,
        secretTree: inout SecretTree, senderDataSecret: Secret, paddingLength: Int = 0, reuseGuard: [UInt8]
    ) throws(MessageProtectionError) -> PrivateMessage {
        guard case .member(let leaf) = content.sender else { throw .senderMustBeMember }
        guard paddingLength >= 0, reuseGuard.count == 4 else { throw .invalidArgument }
        // Every field must fit the 2^30-byte MLS vector limit once encrypted (review L6): the
        // writer traps on a longer vector, so caller input is refused here instead.
        guard Self.fitsInMessage(content, paddingLength: paddingLength) else { throw .invalidArgument }
        try checkGroupAndEpoch(groupID: content.groupID, epoch: content.epoch)
        let (_, auth) = try authenticate(content, wireFormat: .privateMessage, confirmationTag: confirmationTag, signer: signer)
        let plaintext = PrivateMessageContent(body: content.body, auth: auth, paddingLength: paddingLength).encoded
        let contentType = content.contentType
        do {
            let key = try secretTree.nextSendingKey(leaf: LeafIndex(leaf), type: Self.ratchetType(contentType))
            let aad = CryptoSuite.privateContentAAD(
                groupID: content.groupID, epoch: content.epoch, contentType: contentType.rawValue, authenticatedData: content.authenticatedData)
            let ciphertext = try crypto.seal(
                key: key.key, nonce: try crypto.contentNonce(key.nonce, reuseGuard: reuseGuard), aad: aad, plaintext: plaintext)
            let senderData = SenderData(leafIndex: LeafIndex(leaf), generation: key.generation, reuseGuard: reuseGuard)
            let encryptedSenderData = try crypto.encryptSenderData(
                senderData, senderDataSecret: senderDataSecret, contentCiphertext: ciphertext, groupID: content.groupID,
                epoch: content.epoch, contentType: contentType.rawValue)
            return PrivateMessage(
                groupID: content.groupID, epoch: content.epoch, contentType: contentType, authenticatedData: content.authenticatedData,
                encryptedSenderData: encryptedSenderData, ciphertext: ciphertext)
        } catch let error as SecretTreeError {
            throw .secretTree(error)
        } catch {
            throw .encryptionFailed
        }
    }

    /// Decrypts and verifies a PrivateMessage: group and epoch, sender data, the sender's key from
    /// the secret tree (deleted only once the content decrypts), padding, and the signature under
    /// the key `signaturePublicKey(leaf)` returns (nil: the leaf is blank or not in the tree).
    public func unprotectPrivate(
        _ message: PrivateMessage, secretTree: inout SecretTree, senderDataSecret: Secret,
        signaturePublicKey: (LeafIndex) -> [UInt8]?
    ) throws(MessageProtectionError) -> AuthenticatedContent {
        try checkGroupAndEpoch(groupID: message.groupID, epoch: message.epoch)
        let contentType = message.contentType
        let senderData: SenderData
        do {
            senderData = try crypto.decryptSenderData(
                message.encryptedSenderData, senderDataSecret: senderDataSecret, contentCiphertext: message.ciphertext,
                groupID: message.groupID, epoch: message.epoch, contentType: contentType.rawValue)
        } catch {
            throw .decryptionFailed
        }
        // §6.3.2: the leaf must identify a non-blank node.
        guard let publicKey = signaturePublicKey(senderData.leafIndex) else { throw .unknownSender }
        let aad = CryptoSuite.privateContentAAD(
            groupID: message.groupID, epoch: message.epoch, contentType: contentType.rawValue, authenticatedData: message.authenticatedData)
        let decrypted: PrivateMessageContent?
        do {
            decrypted = try secretTree.withDecryptionKey(
                leaf: senderData.leafIndex, type: Self.ratchetType(contentType), generation: senderData.generation
            ) { key -> PrivateMessageContent? in
                guard let nonce = try? crypto.contentNonce(key.nonce, reuseGuard: senderData.reuseGuard),
                    let plaintext = try? crypto.open(key: key.key, nonce: nonce, aad: aad, ciphertext: message.ciphertext),
                    let content = try? PrivateMessageContent(decoding: plaintext, contentType: contentType)
                else { return nil }
                return content
            }
        } catch {
            throw .secretTree(error)
        }
        guard let decrypted else { throw .decryptionFailed }
        guard (contentType == .commit) == (decrypted.auth.confirmationTag != nil) else { throw .confirmationTagMismatch }
        let content = FramedContent(
            groupID: message.groupID, epoch: message.epoch, sender: .member(leafIndex: senderData.leafIndex.value),
            authenticatedData: message.authenticatedData, body: decrypted.body)
        let tbs = framedContentTBS(content, wireFormat: .privateMessage)
        guard crypto.verifyWithLabel(publicKey: publicKey, label: "FramedContentTBS", content: tbs, signature: decrypted.auth.signature)
        else { throw .invalidSignature }
        return AuthenticatedContent(wireFormat: .privateMessage, content: content, auth: decrypted.auth)
    }

    /// Handshake ratchet for proposals and commits, application ratchet for application data (§6.3.1).
    static func ratchetType(_ contentType: ContentType) -> SecretTree.RatchetType {
        contentType == .application ? .application : .handshake
    }
}

/// Why a message could not be protected or unprotected. Descriptions carry no message content.
public struct MessageProtectionError: Error, Hashable, CustomStringConvertible, Sendable {
    private enum Code: Hashable, Sendable {
        case wrongGroup, wrongEpoch, invalidSignature, invalidMembershipTag, missingMembershipKey
        case applicationMustBeEncrypted, senderMustBeMember, unknownSender, confirmationTagMismatch, invalidSenderForContentType
        case decryptionFailed, encryptionFailed, signingFailed, invalidArgument
        case secretTree(SecretTreeError)
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The message belongs to another group.
    public static let wrongGroup = MessageProtectionError(.wrongGroup)
    /// The message belongs to another epoch.
    public static let wrongEpoch = MessageProtectionError(.wrongEpoch)
    /// The signature over FramedContentTBS does not verify.
    public static let invalidSignature = MessageProtectionError(.invalidSignature)
    /// A member's PublicMessage has a missing or wrong membership tag, or a non-member's has one.
    public static let invalidMembershipTag = MessageProtectionError(.invalidMembershipTag)
    /// A member's PublicMessage was handled without the epoch's membership key.
    public static let missingMembershipKey = MessageProtectionError(.missingMembershipKey)
    /// Application data in a PublicMessage (§6.2 forbids it).
    public static let applicationMustBeEncrypted = MessageProtectionError(.applicationMustBeEncrypted)
    /// Only members send PrivateMessages (§6.3.2).
    public static let senderMustBeMember = MessageProtectionError(.senderMustBeMember)
    /// The sender data names a leaf that is blank or outside the tree.
    public static let unknownSender = MessageProtectionError(.unknownSender)
    /// The sender type may not send this content (§6.1): an `external` or `new_member_proposal`
    /// sender's non-proposal, a `new_member_proposal` other than Add, a `new_member_commit`'s non-commit.
    public static let invalidSenderForContentType = MessageProtectionError(.invalidSenderForContentType)
    /// A Commit without a confirmation tag, or another content type with one.
    public static let confirmationTagMismatch = MessageProtectionError(.confirmationTagMismatch)
    /// The sender data or the content did not decrypt, or the plaintext is malformed (including non-zero padding).
    public static let decryptionFailed = MessageProtectionError(.decryptionFailed)
    /// Encryption failed (not expected with valid keys).
    public static let encryptionFailed = MessageProtectionError(.encryptionFailed)
    /// Signing failed: the key does not belong to the suite's scheme.
    public static let signingFailed = MessageProtectionError(.signingFailed)
    /// A padding length or reuse guard is out of range.
    public static let invalidArgument = MessageProtectionError(.invalidArgument)
    /// The secret tree refused the key (consumed, too far ahead, leaf out of range).
    public static func secretTree(_ error: SecretTreeError) -> MessageProtectionError { .init(.secretTree(error)) }

    public var description: String {
        switch code {
        case .wrongGroup: "message protection: wrong group"
        case .wrongEpoch: "message protection: wrong epoch"
        case .invalidSignature: "message protection: invalid signature"
        case .invalidMembershipTag: "message protection: invalid membership tag"
        case .missingMembershipKey: "message protection: membership key required"
        case .applicationMustBeEncrypted: "message protection: application data must be sent as a PrivateMessage"
        case .senderMustBeMember: "message protection: PrivateMessage senders must be members"
        case .unknownSender: "message protection: sender leaf is blank or outside the tree"
        case .invalidSenderForContentType: "message protection: content type not allowed for the sender type"
        case .confirmationTagMismatch: "message protection: confirmation tag present on a non-Commit or missing on a Commit"
        case .decryptionFailed: "message protection: decryption failed"
        case .encryptionFailed: "message protection: encryption failed"
        case .signingFailed: "message protection: signing failed"
        case .invalidArgument: "message protection: invalid padding length or reuse guard"
        case .secretTree(let error): "message protection: \(error)"
        }
    }
}
