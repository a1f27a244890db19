import Crypto
import Foundation
import LetterlockKit
import MLS
import RelayAPI
import Testing
import WireFormat

/// Joining checks the Welcome's signer against the key directory, not only the credential's
/// format: a relay (or anyone who can put an entry in the mailbox) serving a Welcome signed by a
/// key the directory does not list for the device it names gets nothing joined.
@Suite struct WelcomeSignerTests {
    /// A Welcome to `bob`'s device (a KeyPackage claimed from the relay) from a group made by a
    /// leaf that names `account`/`device` and signs with `key`.
    static func welcome(
        to bob: Person, naming account: String, device: String, signedBy key: Curve25519.Signing.PrivateKey, claimingWith relay: RelayClient
    ) async throws -> Data {
        let suite = CipherSuite(rawValue: ConversationConfiguration().cipherSuite)
        let crypto = try CryptoSuite(suite)
        let signer = try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: Array(key.rawRepresentation))
        let identity = try #require(LetterlockIdentity(accountID: Array(hex: account), deviceID: Array(hex: device)))
        let now = UInt64(Date().timeIntervalSince1970)
        let bundle = try KeyPackageBundle(crypto: crypto, identity: identity, signatureKey: signer, now: now)
        let configuration = MLSGroup.Configuration(lifetimePolicy: .ignore, credentialValidator: LetterlockIdentityValidator())
        var group = try MLSGroup(
            creating: (0..<16).map { _ in UInt8.random(in: 0...255) }, cipherSuite: suite, leafNode: bundle.keyPackage.leafNode,
            encryptionKey: bundle.privateKeys.encryptionKey, signer: bundle.privateKeys.signatureKey, configuration: configuration)
        let claimed = try await relay.claimKeyPackage(of: bob.client.identity.deviceID, cipherSuite: suite.rawValue)
        guard case .keyPackage(let keyPackage) = try MLSMessage(wireBytes: Array(claimed.data)).body else {
            throw ConversationError.badKeyPackage
        }
        let created = try group.commit(CommitOptions(adding: [keyPackage], encrypted: true))
        return Data(try #require(created.welcome).wireBytes)
    }

    static func entry(_ payload: Data, id: Int64) -> MailboxEntryBody {
        MailboxEntryBody(id: id, queue: "inbox", payload: payload, sender: nil, receivedAt: Int64(Date().timeIntervalSince1970))
    }

    @Test func aWelcomeSignedByAKeyTheDirectoryDoesNotListIsRefused() async throws {
        try await LiveRelay.run { url, _ in
            let bob = try await Person.register("bob", relay: url)
            // An account whose key the test holds, so it can sign as a listed device.
            let listedKey = Curve25519.Signing.PrivateKey()
            var carol = try RelayClient(relayURL: url)
            let ids = try await carol.register(signingKey: listedKey, username: "carol")
            carol.credentials = .init(deviceID: ids.deviceID, signingKey: listedKey)

            // The same device id and account, but a key the directory does not list.
            let forged = try await Self.welcome(
                to: bob, naming: ids.accountID, device: ids.deviceID, signedBy: Curve25519.Signing.PrivateKey(), claimingWith: carol)
            let refused = try await bob.client.handleConversationEntry(Self.entry(forged, id: 900_001))
            #expect(refused.joined.isEmpty && refused.dropped == 1)
            #expect(try bob.client.conversations().isEmpty)

            // A device that does not exist at all.
            let unknown = try await Self.welcome(
                to: bob, naming: ids.accountID, device: String(repeating: "ab", count: 16), signedBy: listedKey, claimingWith: carol)
            #expect(try await bob.client.handleConversationEntry(Self.entry(unknown, id: 900_002)).joined.isEmpty)

            // The control: the listed key, for the device it is listed for, is joined.
            let genuine = try await Self.welcome(to: bob, naming: ids.accountID, device: ids.deviceID, signedBy: listedKey, claimingWith: carol)
            let joined = try await bob.client.handleConversationEntry(Self.entry(genuine, id: 900_003))
            #expect(joined.joined.count == 1)
            #expect(try bob.client.conversations().map(\.members) == [[bob.account, ids.accountID].sorted()])
        }
    }
}

extension Array where Element == UInt8 {
    init(hex: String) {
        var bytes: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            bytes.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        self = bytes
    }
}
