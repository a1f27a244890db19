import Crypto
import Foundation
import LetterlockEnvelope
@testable import LetterlockKit
import MLS
import RelayAPI
import Testing
import WireFormat

/// Session 4 review M2: a stranger's first message may hold only leaves the key directory lists,
/// each with the key listed for its device. A leaf naming one of the recipient's own devices with
/// a key the stranger holds would let the stranger write "as the recipient" in the chat.
@Suite struct FirstContactLeafTests {
    /// Sends, as `mallory`, a request to `bob` whose group holds Bob's devices (from KeyPackages the
    /// relay hands out) and, when `impostor` is set, one more leaf naming Bob's account and that
    /// device id but signing with a key Mallory made.
    static func request(from mallory: Person, to bob: Person, impostor: String?, text: String) async throws {
        let client = mallory.client
        var group = try client.newGroup()
        var adding = try await client.claimKeyPackages(of: bob.account)
        if let impostor {
            let crypto = try CryptoSuite(client.conversationSuite)
            let key = Curve25519.Signing.PrivateKey()
            let signer = try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: Array(key.rawRepresentation))
            let identity = try #require(LetterlockIdentity(accountID: Array(hex: bob.account), deviceID: Array(hex: impostor)))
            let bundle = try KeyPackageBundle(crypto: crypto, identity: identity, signatureKey: signer, now: UInt64(Date().timeIntervalSince1970))
            guard case .keyPackage(let keyPackage) = try MLSMessage(wireBytes: bundle.mlsMessage.wireBytes).body else {
                throw ConversationError.badKeyPackage
            }
            adding.append(keyPackage)
        }
        let created = try group.commit(CommitOptions(adding: adding, encrypted: true))
        _ = try group.mergePendingCommit()
        let welcome = try #require(created.welcome)
        let sentAt = Int64(Date().timeIntervalSince1970)
        let info = try group.encrypt(try ConversationMessage(kind: .info, sentAt: sentAt, conversation: .direct).encoded())
        let message = try group.encrypt(try ConversationMessage(kind: .text, sentAt: sentAt, text: text).encoded())
        let first = FirstMessage(welcome: Data(welcome.wireBytes), messages: [Data(info.wireBytes), Data(message.wireBytes)])
        let payload = try Envelope.seal(
            client.content(.contactRequest, to: bob.account, card: try client.ownCard(includingToken: false), firstMessage: first),
            signer: client.signingKey, protection: .signed)
        _ = try await client.relay.sendRequest(payload, to: [bob.client.identity.deviceID])
    }

    @Test func aFirstMessageWithALeafTheDirectoryDoesNotListIsNotRead() async throws {
        try await LiveRelay.run { url, _ in
            let mallory = try await Person.register("mallory", relay: url)
            let bob = try await Person.register("bob", relay: url)
            _ = try await bob.client.refillKeyPackages()

            // Bob's own device id, listed in the directory, with Mallory's key.
            try await Self.request(from: mallory, to: bob, impostor: bob.client.identity.deviceID, text: "as bob")
            let requests = try await bob.client.requests()
            #expect(requests.count == 1)
            #expect(requests.first?.firstMessages == [], "the first message is not read: a leaf's key is not the listed one")
            try await bob.client.accept("mallory")
            #expect(try bob.client.conversations().isEmpty, "no conversation with an impostor leaf in it")

            // The control: the same request without the impostor is read.
            let eve = try await Person.register("eve", relay: url)
            try await Self.request(from: eve, to: bob, impostor: nil, text: "hello")
            #expect(try await bob.client.requests().first { $0.senderAccount == eve.account }?.firstMessages == ["hello"])
        }
    }
}
