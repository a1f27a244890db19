import MLS
import Testing
import WireFormat

@Suite struct PrivateMessageCryptoTests {
    @Test(arguments: CipherSuite.supported)
    func senderDataRoundTripsAndIsBoundToItsAAD(suite: CipherSuite) throws {
        let crypto = try suite.crypto()
        let secret = Secret(bytes: [UInt8](repeating: 3, count: crypto.hashLength))
        let content = [UInt8](repeating: 0xab, count: 80)
        let data = SenderData(leafIndex: LeafIndex(5), generation: 77, reuseGuard: [1, 2, 3, 4])
        let sealed = try crypto.encryptSenderData(data, senderDataSecret: secret, contentCiphertext: content, groupID: [9], epoch: 4, contentType: 1)
        #expect(try crypto.decryptSenderData(sealed, senderDataSecret: secret, contentCiphertext: content, groupID: [9], epoch: 4, contentType: 1) == data)
        #expect(throws: MLSCryptoError.decryptionFailed) {
            try crypto.decryptSenderData(sealed, senderDataSecret: secret, contentCiphertext: content, groupID: [9], epoch: 5, contentType: 1)
        }
        var otherContent = content
        otherContent[0] ^= 1  // the key and nonce are sampled from the content ciphertext
        #expect(throws: MLSCryptoError.decryptionFailed) {
            try crypto.decryptSenderData(sealed, senderDataSecret: secret, contentCiphertext: otherContent, groupID: [9], epoch: 4, contentType: 1)
        }
    }

    @Test func senderDataCodecRejectsWrongSizes() {
        #expect(throws: WireFormatError.truncated) { try SenderData(wireBytes: [0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3]) }
        #expect(throws: WireFormatError.trailingBytes) { try SenderData(wireBytes: [0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4, 0]) }
    }

    @Test func reuseGuardIsXoredIntoTheNonce() throws {
        let crypto = try CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()
        let nonce = Secret(bytes: [UInt8](repeating: 0xff, count: 12))
        let guarded = try crypto.contentNonce(nonce, reuseGuard: [0x0f, 0xf0, 0x00, 0xff])
        #expect(guarded == [0xf0, 0x0f, 0xff, 0x00] + [UInt8](repeating: 0xff, count: 8))
        #expect(throws: MLSCryptoError.self) { try crypto.contentNonce(nonce, reuseGuard: [1, 2, 3]) }
    }

    @Test func paddingMustBeZero() {
        #expect(CryptoSuite.isValidPadding([]))
        #expect(CryptoSuite.isValidPadding([0, 0, 0]))
        #expect(!CryptoSuite.isValidPadding([0, 0, 1]))
        #expect(!CryptoSuite.isValidPadding([0x80]))
    }

    @Test func transcriptHashesChain() throws {
        let crypto = try CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()
        let first = TranscriptHashes.update(crypto: crypto, interimBefore: [], confirmedInput: [1, 2], confirmationTag: [3])
        #expect(first.confirmed == crypto.hash([1, 2]))
        #expect(first.interim == crypto.hash(first.confirmed + [1, 3]))
        let second = TranscriptHashes.update(crypto: crypto, interimBefore: first.interim, confirmedInput: [1, 2], confirmationTag: [3])
        #expect(second.confirmed != first.confirmed)
    }
}
