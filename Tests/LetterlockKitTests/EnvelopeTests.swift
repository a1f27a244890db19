import Crypto
import Foundation
import LetterlockKit
import RelayAPI
import Testing

@Suite struct EnvelopeTests {
    static let sender = Curve25519.Signing.PrivateKey()
    static let content = EnvelopeContent(
        kind: .contactCard, senderAccount: String(repeating: "a", count: 32), senderDevice: String(repeating: "b", count: 32),
        recipientAccount: String(repeating: "c", count: 32), sentAt: 1_800_000_000,
        card: ContactCard(accountID: String(repeating: "a", count: 32), username: "alice", devices: [], deliveryToken: Data(repeating: 7, count: 32)))

    @Test func theRelayReadsAnEnvelopeAsAnMLSMessageWithoutAGroup() throws {
        let payload = try Envelope.seal(Self.content, signer: Self.sender, protection: .contactSecret(Data(repeating: 1, count: 32), recipientAccount: String(repeating: "c", count: 32)))
        let header = try MLSFramingHeader(parsing: payload)
        #expect(header.wireFormat == Envelope.wireFormat && header.group == nil)
    }

    @Test func eachProtectionRoundTripsAndHidesTheContent() throws {
        let token = Data(repeating: 9, count: 32)
        let agreement = Curve25519.KeyAgreement.PrivateKey()
        let device = String(repeating: "d", count: 32)
        let sealedToToken = try Envelope.seal(Self.content, signer: Self.sender, protection: .contactSecret(token, recipientAccount: String(repeating: "c", count: 32)))
        let sealedToDevice = try Envelope.seal(
            Self.content, signer: Self.sender, protection: .devices([(device, agreement.publicKey.rawRepresentation)]))
        for payload in [sealedToToken, sealedToDevice] {
            #expect(payload.firstRange(of: Data("alice".utf8)) == nil)
            #expect(payload.firstRange(of: Data(String(repeating: "a", count: 32).utf8)) == nil)
        }
        let key = Self.sender.publicKey.rawRepresentation
        #expect(try EnvelopeIn(parsing: sealedToToken).open(secret: token, recipientAccount: String(repeating: "c", count: 32)).verified(with: key) == Self.content)
        #expect(try EnvelopeIn(parsing: sealedToDevice).open(deviceID: device, agreementKey: agreement).verified(with: key) == Self.content)
        #expect(throws: LetterlockError.notForThisDevice) { try EnvelopeIn(parsing: sealedToToken).open(secret: Data(repeating: 8, count: 32), recipientAccount: String(repeating: "c", count: 32)) }
        // The key binds the recipient account: the same secret under another account id fails.
        #expect(throws: LetterlockError.notForThisDevice) {
            try EnvelopeIn(parsing: sealedToToken).open(secret: token, recipientAccount: String(repeating: "a", count: 32))
        }
        #expect(throws: LetterlockError.notForThisDevice) {
            try EnvelopeIn(parsing: sealedToDevice).open(deviceID: device, agreementKey: .init())
        }
        #expect(throws: LetterlockError.notForThisDevice) {
            try EnvelopeIn(parsing: sealedToDevice).open(deviceID: String(repeating: "e", count: 32), agreementKey: agreement)
        }
        let signed = try Envelope.seal(Self.content, signer: Self.sender, protection: .signed)
        #expect(throws: LetterlockError.badEnvelopeSignature) {
            try EnvelopeIn(parsing: signed).openSigned().verified(with: Curve25519.Signing.PrivateKey().publicKey.rawRepresentation)
        }
    }

    @Test func anyFlippedBitOrTruncationIsRefused() throws {
        let token = Data(repeating: 9, count: 32)
        let payload = try Envelope.seal(Self.content, signer: Self.sender, protection: .contactSecret(token, recipientAccount: String(repeating: "c", count: 32)))
        let key = Self.sender.publicKey.rawRepresentation
        for index in stride(from: 0, to: payload.count, by: 7) {
            var tampered = payload
            tampered[index] ^= 0x01
            #expect(throws: LetterlockError.self) { try EnvelopeIn(parsing: tampered).open(secret: token, recipientAccount: String(repeating: "c", count: 32)).verified(with: key) }
        }
        for length in [0, 3, 5, 6, 20, payload.count - 1] {
            #expect(throws: LetterlockError.self) { try EnvelopeIn(parsing: payload.prefix(length)).open(secret: token, recipientAccount: String(repeating: "c", count: 32)).verified(with: key) }
        }
        var future = payload
        future[4] = 2
        #expect(throws: LetterlockError.unsupportedEnvelopeVersion) { try EnvelopeIn(parsing: future) }
    }
}

@Suite struct SafetyNumberTests {
    static let a = (accountID: String(repeating: "1", count: 32), signingKeys: [Data(repeating: 1, count: 32), Data(repeating: 2, count: 32)])
    static let b = (accountID: String(repeating: "2", count: 32), signingKeys: [Data(repeating: 3, count: 32)])

    @Test func isOrderIndependentAndSixtyDigits() {
        let number = SafetyNumber(Self.a, Self.b)
        #expect(number == SafetyNumber(Self.b, Self.a))
        #expect(number == SafetyNumber((Self.a.accountID, Self.a.signingKeys.reversed()), Self.b))
        #expect(number.digits.count == 60 && number.digits.allSatisfy(\.isNumber))
        #expect(number.groups.count == 12)
    }

    /// Known answer from an independent Python (hashlib) implementation of the construction as
    /// documented in docs/client.md, not from this code.
    @Test func matchesAnIndependentImplementation() {
        #expect(SafetyNumber(Self.a, Self.b).description == "44332 20318 85161 69533 88506 25387 01805 26552 56359 54156 74838 59122")
    }

    @Test func changesWithAnyDeviceKey() {
        let number = SafetyNumber(Self.a, Self.b)
        #expect(number != SafetyNumber((Self.a.accountID, [Data(repeating: 1, count: 32)]), Self.b))
        #expect(number != SafetyNumber(Self.a, (Self.b.accountID, [Data(repeating: 4, count: 32)])))
        #expect(number != SafetyNumber(Self.a, (Self.b.accountID, Self.b.signingKeys + [Data(repeating: 5, count: 32)])))
    }
}

@Suite struct SmallOrderKeyTests {
    /// Under a small-order key, BoringSSL accepts the (identity, 0) or all-zero signature for a
    /// share of all messages; the client refuses the key itself, whatever a key directory says.
    @Test func aForgedSignatureUnderASmallOrderKeyIsRefused() throws {
        let smallOrderKey = Data(repeating: 0, count: 32)
        let raw = try Curve25519.Signing.PublicKey(rawRepresentation: smallOrderKey)
        let candidates = [Data([1] + [UInt8](repeating: 0, count: 63)), Data(count: 64)]
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var forgery: (json: Data, signature: Data)?
        for sentAt in Int64(0)..<256 where forgery == nil {
            var content = EnvelopeTests.content
            content.sentAt = sentAt
            let json = try encoder.encode(content)
            if let signature = candidates.first(where: { raw.isValidSignature($0, for: Data("letterlock-envelope-v1\n".utf8) + json) }) {
                forgery = (json, signature)
            }
        }
        // Without the client's check a forgery exists: swift-crypto accepts it.
        let (json, signature) = try #require(forgery, "if this fails, swift-crypto now rejects small-order keys itself")
        var forged = Data([0x00, 0x01, 0xF1, 0xE7, 1, 0])
        forged.append(contentsOf: [0, 0, UInt8(json.count >> 8), UInt8(json.count & 0xff)])
        forged += json + signature
        #expect(throws: LetterlockError.badEnvelopeSignature) { try EnvelopeIn(parsing: forged).openSigned().verified(with: smallOrderKey) }
    }
}
