import Crypto
@testable import MLS
import Testing
import WireFormat

/// A group of test clients driven only through `MLSGroup`'s API: each client holds its own
/// group state, messages go from one to the others as bytes (encoded and decoded again).
struct GroupWorld {
    static let now: UInt64 = 1_500
    let suite: CipherSuite
    var clients: [TestMember] = []
    /// Each client's group, by client number (nil: not in the group).
    var groups: [Int: MLSGroup] = [:]
    var pskStore = InMemoryPSKStore()
    /// Each client's KeyPackage, made once (ECDSA signatures differ on every signing, and the
    /// Welcome is addressed to the exact KeyPackage bytes).
    var keyPackages: [Int: KeyPackageIn] = [:]

    init(suite: CipherSuite) {
        self.suite = suite
    }

    var configuration: MLSGroup.Configuration {
        MLSGroup.Configuration(
            lifetimePolicy: .check(now: { GroupWorld.now }), credentialValidator: LetterlockIdentityValidator(), pskStore: pskStore)
    }

    /// A new client (not yet in the group); returns its number.
    mutating func newClient() throws -> Int {
        let member = try TestMember(suite: suite, number: UInt8(truncatingIfNeeded: clients.count))
        clients.append(member)
        keyPackages[clients.count - 1] = try member.keyPackage()
        return clients.count - 1
    }

    func keys(_ client: Int) -> MLSGroup.MemberKeys {
        MLSGroup.MemberKeys(initKey: clients[client].initKey, encryptionKey: clients[client].encryptionKey, signatureKey: clients[client].signer)
    }

    /// Client 0 creates the group.
    mutating func create(groupID: [UInt8] = Array("test group".utf8)) throws {
        let creator = try newClient()
        let leaf = try #require(keyPackages[creator]).leafNode
        groups[creator] = try MLSGroup(
            creating: groupID, cipherSuite: suite, leafNode: leaf, encryptionKey: clients[creator].encryptionKey,
            signer: clients[creator].signer, configuration: configuration)
    }

    /// Sends `message` through the wire encoding.
    static func transmit(_ message: MLSMessage) throws -> MLSMessage {
        try MLSMessage(wireBytes: message.wireBytes)
    }

    /// `committer` commits with `options`; the commit is merged by the committer, processed by
    /// every other member, and the Welcome (if any) is joined by `joiners`.
    @discardableResult
    mutating func commit(by committer: Int, _ options: CommitOptions, joiners: [Int] = []) throws -> CreatedCommit {
        var group = try #require(groups[committer])
        let created = try group.commit(options)
        let summary = try group.mergePendingCommit()
        groups[committer] = group
        let message = try Self.transmit(created.commit)
        for (client, var other) in groups where client != committer {
            let result = try other.process(message)
            guard case .commit(let processed) = result else {
                Issue.record("client \(client) did not see a commit")
                continue
            }
            #expect(processed.epoch == summary.epoch)
            if processed.removedUs {
                groups[client] = nil
            } else {
                groups[client] = other
            }
        }
        if !joiners.isEmpty {
            let welcomeMessage = try Self.transmit(try #require(created.welcome))
            guard case .welcome(let welcome) = welcomeMessage.body else { throw MLSGroupError.unexpectedWireFormat }
            for joiner in joiners {
                groups[joiner] = try MLSGroup(
                    joining: welcome, keyPackage: try #require(keyPackages[joiner]), privateKeys: keys(joiner), configuration: configuration)
            }
        }
        return created
    }

    /// Every member is in the same epoch with the same authenticator, tree hash and exporter output.
    func expectInSync(sourceLocation: SourceLocation = #_sourceLocation) throws {
        let all = Array(groups.values)
        guard let first = all.first else { return }
        let exported = try first.export(label: "test", context: [1, 2, 3], length: 32)
        for group in all {
            #expect(group.epochNumber == first.epochNumber, sourceLocation: sourceLocation)
            #expect(group.epochAuthenticator == first.epochAuthenticator, sourceLocation: sourceLocation)
            #expect(group.groupContext == first.groupContext, sourceLocation: sourceLocation)
            #expect(try group.export(label: "test", context: [1, 2, 3], length: 32) == exported, sourceLocation: sourceLocation)
            #expect(group.members == first.members, sourceLocation: sourceLocation)
        }
    }

    /// `sender` encrypts `text`; every other member decrypts it and sees `sender` as its author.
    mutating func sendApplication(from sender: Int, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        var group = try #require(groups[sender])
        let message = try Self.transmit(try group.encrypt(Array(text.utf8)))
        let senderLeaf = group.ownLeafIndex
        groups[sender] = group
        for (client, var other) in groups where client != sender {
            guard case .application(let received) = try other.process(message) else {
                Issue.record("not application data", sourceLocation: sourceLocation)
                continue
            }
            #expect(received.data == Array(text.utf8), sourceLocation: sourceLocation)
            #expect(received.sender == senderLeaf, sourceLocation: sourceLocation)
            groups[client] = other
        }
    }

    func keyPackage(_ client: Int) -> KeyPackageIn {
        keyPackages[client]!
    }

    /// The leaf index of `client` in the group.
    func leaf(of client: Int) throws -> UInt32 {
        try #require(groups[client]).ownLeafIndex
    }
}
