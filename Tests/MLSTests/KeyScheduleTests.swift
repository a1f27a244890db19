import MLS
import Testing

@Suite struct KeyScheduleTests {
    @Test(arguments: CipherSuite.supported)
    func epochSecretsAreDistinctAndBoundToTheContext(suite: CipherSuite) throws {
        let crypto = try suite.crypto()
        let zero = Secret(zeros: crypto.hashLength)
        let a = try KeySchedule.epochSecrets(crypto: crypto, initSecret: zero, commitSecret: zero, pskSecret: nil, groupContext: [1])
        let b = try KeySchedule.epochSecrets(crypto: crypto, initSecret: zero, commitSecret: zero, pskSecret: nil, groupContext: [2])
        #expect(a.encryptionSecret != b.encryptionSecret)
        #expect(a.encryptionSecret != a.senderDataSecret)
        #expect(a.initSecret.count == crypto.hashLength)
        // No PSKs and an explicit all-zero psk_secret are the same thing (§8.4).
        let c = try KeySchedule.epochSecrets(
            crypto: crypto, initSecret: zero, commitSecret: zero, pskSecret: KeySchedule.pskSecret(crypto: crypto, psks: []), groupContext: [1])
        #expect(a.epochAuthenticator == c.epochAuthenticator)
    }

    @Test func confirmationTagVerifiesInConstantTimeAndRejectsChanges() throws {
        let crypto = try CipherSuite.letterlockDefault.crypto()
        let zero = Secret(zeros: crypto.hashLength)
        let secrets = try KeySchedule.epochSecrets(crypto: crypto, initSecret: zero, commitSecret: zero, pskSecret: nil, groupContext: [])
        let tag = secrets.confirmationTag(confirmedTranscriptHash: [1, 2, 3])
        #expect(secrets.verifyConfirmationTag(tag, confirmedTranscriptHash: [1, 2, 3]))
        #expect(!secrets.verifyConfirmationTag(tag, confirmedTranscriptHash: [1, 2, 4]))
        #expect(!secrets.verifyConfirmationTag(Array(tag.dropLast()), confirmedTranscriptHash: [1, 2, 3]))
        // The PQ suite's external key pair is an X-Wing key.
        #expect(try secrets.externalKeyPair().kem == .xwing)
        let welcome = try KeySchedule.welcomeKeyAndNonce(crypto: crypto, welcomeSecret: secrets.welcomeSecret)
        #expect(welcome.key.count == 16)
        #expect(welcome.nonce.count == 12)
    }
}
