import WireFormat

extension MLSGroup {
    /// Signs `content` as this member for `wireFormat` (§6.1): returns the FramedContentTBS and
    /// the signature, so that a Commit can compute its confirmation tag from the signed content
    /// before the message is assembled (the tag depends on the signature through the confirmed
    /// transcript hash, and ECDSA signatures are randomized: the content is signed once).
    func sign(_ content: FramedContent, wireFormat: MLSWireFormat, in state: EpochState) throws(MLSGroupError) -> (tbs: [UInt8], signature: [UInt8]) {
        let tbs = protection(state).framedContentTBS(content, wireFormat: wireFormat)
        do {
            return (tbs, try crypto.signWithLabel(privateKey: signer, label: "FramedContentTBS", content: tbs))
        } catch {
            throw .crypto(error)
        }
    }

    /// Assembles a signed member message of the current epoch: a PublicMessage with its
    /// membership tag (§6.2), or a PrivateMessage encrypted under the next key of this member's
    /// handshake or application ratchet with `paddingLength` zero bytes (§6.3).
    mutating func seal(
        _ content: FramedContent, tbs: [UInt8], auth: FramedContentAuthData, wireFormat: MLSWireFormat, paddingLength: Int = 0
    ) throws(MLSGroupError) -> MLSMessage {
        switch wireFormat {
        case .publicMessage:
            var tbm = WireWriter(reservingCapacity: tbs.count + auth.signature.count + 80)
            tbm.writeBytes(tbs)
            auth.encode(to: &tbm)
            let tag = crypto.membershipTag(membershipKey: epoch.keys.membershipKey, authenticatedContentTBM: tbm.bytes)
            return MLSMessage(.publicMessage(PublicMessage(content: content, auth: auth, membershipTag: tag)))
        case .privateMessage:
            let contentType = content.contentType
            let plaintext = PrivateMessageContent(body: content.body, auth: auth, paddingLength: paddingLength).encoded
            let reuseGuard = configuration.random.randomBytes(count: 4)
            do {
                let key = try epoch.secretTree.nextSendingKey(
                    leaf: LeafIndex(epoch.ourLeaf), type: contentType == .application ? .application : .handshake)
                let aad = CryptoSuite.privateContentAAD(
                    groupID: content.groupID, epoch: content.epoch, contentType: contentType.rawValue, authenticatedData: content.authenticatedData)
                let ciphertext = try crypto.seal(
                    key: key.key, nonce: try crypto.contentNonce(key.nonce, reuseGuard: reuseGuard), aad: aad, plaintext: plaintext)
                let senderData = SenderData(leafIndex: LeafIndex(epoch.ourLeaf), generation: key.generation, reuseGuard: reuseGuard)
                let encryptedSenderData = try crypto.encryptSenderData(
                    senderData, senderDataSecret: epoch.keys.senderDataSecret, contentCiphertext: ciphertext, groupID: content.groupID,
                    epoch: content.epoch, contentType: contentType.rawValue)
                return MLSMessage(
                    .privateMessage(
                        PrivateMessage(
                            groupID: content.groupID, epoch: content.epoch, contentType: contentType,
                            authenticatedData: content.authenticatedData, encryptedSenderData: encryptedSenderData, ciphertext: ciphertext)))
            } catch let error as SecretTreeError {
                throw .secretTree(error)
            } catch let error as MLSCryptoError {
                throw .crypto(error)
            } catch {
                throw .invalidArgument
            }
        default:
            throw .unexpectedWireFormat
        }
    }
}
