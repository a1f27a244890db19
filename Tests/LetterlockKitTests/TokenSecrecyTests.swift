import Foundation
import LetterlockKit
import RelayAPI
import Testing

/// The design claim behind sealed delivery: delivery tokens never pass the relay in clear, so
/// the relay cannot derive the key of token-sealed envelopes. Every byte the relay wrote is
/// searched for every token, raw and in the encodings a token could take.
@Suite struct TokenSecrecyTests {
    static func relayBytes(_ data: URL) throws -> Data {
        var all = Data()
        let files = FileManager.default.enumerator(at: data, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            if let bytes = try? Data(contentsOf: url) { all += bytes }
        }
        return all
    }

    static func occurrences(of token: Data, in bytes: Data) -> Int {
        let forms = [token, Data(token.base64EncodedString().utf8), Data(token.base64URLEncodedString().utf8)]
        return forms.reduce(0) { count, form in count + (bytes.firstRange(of: form) == nil ? 0 : 1) }
    }

    @Test func noDeliveryTokenEverReachesTheRelayInClear() async throws {
        try await LiveRelay.run { url, data in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            let tokens = [alice, bob, carol].map { try! $0.client.inviteLink().deliveryToken }

            // Each step leaves its envelope queued at the relay before the next side reads it.
            try await alice.client.addContact(username: "bob")
            _ = try await bob.client.sync()
            try await bob.client.accept("alice")  // accept (sealed to Alice's devices) queued
            var seen = try Self.relayBytes(data)
            _ = try await alice.client.sync()  // Alice's card (sealed under Bob's token) queued
            seen += try Self.relayBytes(data)
            try await carol.client.addContact(invite: try alice.client.inviteLink())  // introduction queued
            seen += try Self.relayBytes(data)
            _ = try await alice.client.sync()
            seen += try Self.relayBytes(data)
            _ = try await bob.client.sync()
            _ = try await carol.client.sync()
            seen += try Self.relayBytes(data)

            #expect(try alice.client.store.contact(bob.client.identity.accountID)?.deliveryToken == tokens[1])
            #expect(try carol.client.store.contact(alice.client.identity.accountID)?.deliveryToken == tokens[0])
            #expect(seen.count > 100_000)  // the database and its WAL were read
            for token in tokens { #expect(Self.occurrences(of: token, in: seen) == 0) }
        }
    }
}
