import Crypto
@_spi(Benchmark) import MLS
import Testing
import WireFormat

/// The bench-only builder of a group with a populated tree (``MLSGroup/populated(groupID:cipherSuite:members:statesFor:configuration:)``):
/// its tree must be one a joiner accepts, its members' states must work with the ordinary API,
/// and a Commit in it must encrypt to one node per copath level (the steady state).
@Suite struct PopulatedGroupTests {
    static let configuration = MLSGroup.Configuration(
        lifetimePolicy: .check(now: { GroupWorld.now }), credentialValidator: LetterlockIdentityValidator())

    static func members(_ count: Int, suite: CipherSuite) throws -> [TestMember] {
        try (0..<count).map { try TestMember(suite: suite, number: UInt8($0)) }
    }

    static func populated(_ clients: [TestMember], statesFor wanted: [UInt32]) throws -> [MLSGroup] {
        let members = try clients.map {
            PopulatedGroupMember(leafNode: try $0.keyPackage().leafNode, encryptionKey: $0.encryptionKey, signer: $0.signer)
        }
        return try MLSGroup.populated(
            groupID: Array("populated".utf8), cipherSuite: clients[0].crypto.cipherSuite, members: members, statesFor: wanted,
            configuration: configuration)
    }

    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault])
    func treeIsPopulatedAndValid(suite: CipherSuite) throws {
        let clients = try Self.members(21, suite: suite)
        let groups = try Self.populated(clients, statesFor: [0, 7, 14, 20])
        var tree = groups[0].ratchetTree
        #expect(tree.leafCount == 32)
        // Every parent with occupied leaves on both sides is filled, with no unmerged leaves;
        // the others are off every filtered direct path (RFC 9420 §4.1.2) and stay blank.
        for node in stride(from: 1, to: tree.leafCount * 2 - 1, by: 2) {
            let level = (~node).trailingZeroBitCount
            let firstRightLeaf = ((node >> (level + 1)) << level) + (1 << (level - 1))
            if firstRightLeaf < 21 {
                let parent = try #require(tree.parent(atNode: node), "parent \(node) is blank")
                #expect(parent.unmergedLeaves.isEmpty)
            } else {
                #expect(tree.node(at: node) == nil, "parent \(node) covers no pair of members")
            }
        }
        let parentHashesValid = tree.verifyParentHashes()
        #expect(parentHashesValid)
        _ = try RatchetTree(
            validating: tree.wireValue, crypto: tree.crypto, groupID: groups[0].groupID, expectedTreeHash: tree.treeHash(),
            groupContextExtensions: [], leafValidator: RatchetTreeTests.validator(tree.crypto))
        for group in groups.dropFirst() {
            #expect(group.epochAuthenticator == groups[0].epochAuthenticator)
            #expect(group.groupContext == groups[0].groupContext)
        }
    }

    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault])
    func commitEncryptsToOneNodePerLevelAndEveryoneFollows(suite: CipherSuite) throws {
        let clients = try Self.members(21, suite: suite)
        var groups = try Self.populated(clients, statesFor: [7, 0, 14, 20])
        for round in 0..<2 {
            let committer = round == 0 ? 0 : 2  // leaf 7, then leaf 14
            let created = try groups[committer].selfUpdate()
            try groups[committer].mergePendingCommit()
            guard case .publicMessage(let message) = created.commit.body, case .commit(let commit) = message.content.body else {
                Issue.record("not a commit")
                return
            }
            let path = try #require(commit.path)
            // 32 leaves, 21 occupied: the filtered path of a leaf skips levels whose copath
            // subtree is empty; every other level has exactly one recipient.
            #expect(path.nodes.allSatisfy { $0.encryptedPathSecret.count == 1 })
            for i in groups.indices where i != committer {
                guard case .commit = try groups[i].process(try MLSMessage(wireBytes: created.commit.wireBytes)) else {
                    Issue.record("member \(i) saw no commit")
                    continue
                }
                #expect(groups[i].epochAuthenticator == groups[committer].epochAuthenticator)
            }
        }
    }

    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault])
    func freshMemberJoinsFromTheWelcome(suite: CipherSuite) throws {
        let clients = try Self.members(13, suite: suite)
        var groups = try Self.populated(clients, statesFor: [6, 3])
        let joiner = try TestMember(suite: suite, number: 200)
        let keyPackage = try joiner.keyPackage()
        let created = try groups[0].commit(CommitOptions(adding: [keyPackage], includePath: true))
        try groups[0].mergePendingCommit()
        guard case .welcome(let welcome) = try #require(created.welcome).body else {
            Issue.record("no welcome")
            return
        }
        // The joiner validates the whole tree (parent hashes, tree hash, every leaf).
        let joined = try MLSGroup(
            joining: welcome, keyPackage: keyPackage,
            privateKeys: KeyPackagePrivateKeys(initKey: joiner.initKey, encryptionKey: joiner.encryptionKey, signatureKey: joiner.signer),
            configuration: Self.configuration)
        #expect(joined.epochAuthenticator == groups[0].epochAuthenticator)
        _ = try groups[1].process(try MLSMessage(wireBytes: created.commit.wireBytes))
        #expect(groups[1].epochAuthenticator == groups[0].epochAuthenticator)
    }

    @Test func refusesAMemberOutsideTheList() throws {
        let clients = try Self.members(3, suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        #expect(throws: MLSGroupError.tree(.leafOutOfRange)) { try Self.populated(clients, statesFor: [3]) }
    }
}
