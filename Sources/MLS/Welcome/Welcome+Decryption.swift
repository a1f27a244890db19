import WireFormat

extension Welcome {
    /// Finds the entry for `keyPackageRef` and decrypts its GroupSecrets with the KeyPackage's
    /// init private key: `DecryptWithLabel(init_key_priv, "Welcome", encrypted_group_info, …)`
    /// (RFC 9420 §12.4.3.1).
    public func decryptGroupSecrets(keyPackageRef: [UInt8], initKey: HPKEPrivateKey, crypto: CryptoSuite) throws(WelcomeError) -> GroupSecrets {
        guard cipherSuite == crypto.cipherSuite else { throw .cipherSuiteMismatch }
        guard let entry = secrets.first(where: { $0.newMember == keyPackageRef }) else { throw .notForThisKeyPackage }
        let plaintext: [UInt8]
        do {
            plaintext = try crypto.decryptWithLabel(
                privateKey: initKey, label: "Welcome", context: encryptedGroupInfo,
                kemOutput: entry.encryptedGroupSecrets.kemOutput, ciphertext: entry.encryptedGroupSecrets.ciphertext)
        } catch {
            throw .groupSecretsUndecryptable
        }
        do {
            return try GroupSecrets(wireBytes: plaintext)
        } catch {
            throw .malformed(error)
        }
    }

    /// Decrypts the GroupInfo with the key and nonce derived from the welcome secret
    /// (RFC 9420 §8, §12.4.3.1): `member_secret = Extract(joiner_secret, psk_secret)`,
    /// `welcome_secret = DeriveSecret(member_secret, "welcome")`, then
    /// `ExpandWithLabel(welcome_secret, "key" / "nonce", "", Nk / Nn)`.
    public func decryptGroupInfo(joinerSecret: Secret, pskSecret: Secret?, crypto: CryptoSuite) throws(WelcomeError) -> GroupInfo {
        guard cipherSuite == crypto.cipherSuite else { throw .cipherSuiteMismatch }
        let plaintext: [UInt8]
        do {
            let memberSecret = crypto.extract(salt: joinerSecret, ikm: pskSecret ?? Secret(zeros: crypto.hashLength))
            let welcomeSecret = try crypto.deriveSecret(secret: memberSecret, label: "welcome")
            let key = try crypto.expandWithLabel(secret: welcomeSecret, label: "key", context: [], length: crypto.aead.keyByteCount)
            let nonce = try crypto.expandWithLabel(secret: welcomeSecret, label: "nonce", context: [], length: crypto.aead.nonceByteCount)
            plaintext = try crypto.open(key: key, nonce: nonce.exportedBytes, aad: [], ciphertext: encryptedGroupInfo)
        } catch {
            throw .groupInfoUndecryptable
        }
        do {
            let groupInfo = try GroupInfo(wireBytes: plaintext)
            guard groupInfo.groupContext.cipherSuite == cipherSuite else { throw WelcomeError.cipherSuiteMismatch }
            return groupInfo
        } catch let error as WireFormatError {
            throw .malformed(error)
        } catch {
            throw .cipherSuiteMismatch
        }
    }
}

extension GroupInfo {
    /// Whether the signature verifies with `signatureKey`, the key of leaf `signer` in the
    /// group's validated tree (RFC 9420 §12.4.3: `VerifyWithLabel(., "GroupInfoTBS", GroupInfoTBS)`).
    public func verifySignature(signatureKey: [UInt8], crypto: CryptoSuite) -> Bool {
        crypto.verifyWithLabel(publicKey: signatureKey, label: "GroupInfoTBS", content: toBeSigned, signature: signature)
    }

    /// The epoch's secrets from the Welcome's joiner secret, after checking that the GroupInfo's
    /// confirmation tag is `MAC(confirmation_key, confirmed_transcript_hash)` (RFC 9420 §12.4.3.1).
    public func verifiedEpochSecrets(joinerSecret: Secret, pskSecret: Secret?, crypto: CryptoSuite) throws(WelcomeError) -> EpochSecrets {
        let secrets: EpochSecrets
        do {
            secrets = try KeySchedule.epochSecrets(crypto: crypto, joinerSecret: joinerSecret, pskSecret: pskSecret, groupContext: groupContext.wireBytes)
        } catch {
            throw .crypto(error)
        }
        guard secrets.verifyConfirmationTag(confirmationTag, confirmedTranscriptHash: groupContext.confirmedTranscriptHash) else {
            throw .badConfirmationTag
        }
        return secrets
    }
}
