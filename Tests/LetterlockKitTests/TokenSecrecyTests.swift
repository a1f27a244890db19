import Foundation
import LetterlockEnvelope
import LetterlockKit
import RelayAPI
import Testing

/// The design claim behind sealed delivery: the relay never holds what decrypts a sealed
/// envelope. The relay's full view is taken (every byte it wrote to its data directory, and every
/// request line, header and body it received), every 32-byte value it could have learned from it
/// is tried as a key on every sealed envelope it carried, and none opens.
@Suite struct TokenSecrecyTests {
    static func relayBytes(_ data: URL) throws -> Data {
        var all = Data()
        let files = FileManager.default.enumerator(at: data, includingPropertiesForKeys: nil)
        while let url = files?.nextObject() as? URL {
            if let bytes = try? Data(contentsOf: url) { all += bytes }
        }
        return all
    }

    static func occurrences(of secret: Data, in bytes: Data) -> Int {
        let forms = [secret, Data(secret.base64EncodedString().utf8), Data(secret.base64URLEncodedString().utf8)]
        return forms.reduce(0) { count, form in count + (bytes.firstRange(of: form) == nil ? 0 : 1) }
    }

    /// Every 32-byte value in `view` written in base64 or base64url (how JSON bodies, headers and
    /// URLs carry binary values), plus every 32-byte window of the raw bytes of `raw`.
    static func candidateKeys(textual view: Data, raw: [Data]) -> Set<Data> {
        var keys = Set<Data>()
        // JSONEncoder writes "/" as "\\/": undo it so base64 values are found whole.
        let text = String(decoding: view, as: UTF8.self).replacingOccurrences(of: "\\/", with: "/")
        let pattern = try! NSRegularExpression(pattern: "[A-Za-z0-9+/_-]{43}=?")
        for match in pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)) {
            guard let range = Range(match.range, in: text) else { continue }
            let token = String(text[range])
            for decoded in [Data(base64URLEncoded: token), Data(base64Encoded: token)] {
                if let decoded, decoded.count == 32 { keys.insert(decoded) }
            }
        }
        for bytes in raw where bytes.count >= 32 {
            for start in 0...(bytes.count - 32) { keys.insert(bytes.subdata(in: start..<start + 32)) }
        }
        return keys
    }

    @Test func theRelayCannotOpenASealedEnvelopeFromEverythingItSaw() async throws {
        let recorder = RelayRecorder()
        try await LiveRelay.run(recorder: recorder) { url, data in
            let alice = try await Person.register("alice", relay: url)
            let bob = try await Person.register("bob", relay: url)
            let carol = try await Person.register("carol", relay: url)
            let people = [alice, bob, carol]

            // Each step leaves its envelope queued at the relay before the next side reads it.
            try await alice.client.addContact(username: "bob")
            _ = try await bob.client.sync()
            try await bob.client.accept("alice")  // accept (sealed to Alice's devices) queued
            var disk = try Self.relayBytes(data)
            _ = try await alice.client.sync()  // Alice's card (sealed for Bob) queued
            disk += try Self.relayBytes(data)
            try await carol.client.addContact(invite: try alice.client.inviteLink())  // introduction queued
            disk += try Self.relayBytes(data)
            _ = try await alice.client.sync()
            disk += try Self.relayBytes(data)
            _ = try await bob.client.sync()  // Bob now holds Alice's token and secret
            try await bob.client.rotateDeliveryToken()  // a new card to Alice
            _ = try await bob.client.sync()
            _ = try await carol.client.sync()
            _ = try await alice.client.sync()
            disk += try Self.relayBytes(data)

            #expect(try alice.client.store.contact(bob.client.identity.accountID)?.state == .accepted)
            #expect(try carol.client.store.contact(alice.client.identity.accountID)?.state == .accepted)
            #expect(disk.count > 100_000)  // the database and its WAL were read

            // Sealed envelopes that crossed the relay, as it received them.
            let sealed = recorder.all.filter { $0.path.hasPrefix("/v1/messages/sealed") }.compactMap {
                try? JSONDecoder().decode(SealedSendRequest.self, from: $0.body).payload
            }
            let tokenSealed = sealed.filter { (try? EnvelopeIn(parsing: $0))?.protection == .contactSecret }
            #expect(tokenSealed.count >= 4)  // card, introduction, its answer, rotation cards

            // Every key the relay could try: from its requests (headers, bodies) and, raw, from
            // the request bodies; the account ids are public to it.
            let received = recorder.bytes
            let candidates = Self.candidateKeys(textual: received + disk, raw: recorder.all.map(\.body))
            #expect(candidates.count > 10)
            let accounts = people.map { $0.client.identity.accountID }
            var opened = 0
            for payload in tokenSealed {
                let envelope = try EnvelopeIn(parsing: payload)
                for key in candidates {
                    for account in accounts where (try? envelope.open(secret: key, recipientAccount: account)) != nil { opened += 1 }
                }
            }
            #expect(opened == 0, "the relay opened \(opened) sealed envelopes with values it saw")

            // And the contact secrets themselves appear nowhere in its view.
            for person in people {
                let secret = try person.client.inviteLink().contactSecret
                #expect(Self.occurrences(of: secret, in: received + disk) == 0)
            }
        }
    }
}
