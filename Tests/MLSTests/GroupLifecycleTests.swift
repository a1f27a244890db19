@testable import MLS
import Testing
import WireFormat

/// Groups of 2, 3 and N members built and evolved only through `MLSGroup`'s API, in every
/// supported suite; after each Commit every member has the same epoch authenticator.
@Suite struct GroupLifecycleTests {
    static let suites: [CipherSuite] = [
        .mls128DHKEMX25519AES128GCMSHA256Ed25519, CipherSuite(rawValue: 2), CipherSuite(rawValue: 3), CipherSuite(rawValue: 5),
        CipherSuite(rawValue: 7), .letterlockDefault,
    ]

    @Test(arguments: suites)
    func twoMembers(suite: CipherSuite) throws {
        var world = GroupWorld(suite: suite)
        try world.create()
        #expect(world.groups[0]?.epochNumber == 0)
        let bob = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob)]), joiners: [bob])
        try world.expectInSync()
        #expect(world.groups[bob]?.epochNumber == 1)
        try world.sendApplication(from: 0, "hello bob")
        try world.sendApplication(from: bob, "hello alice")
        try world.sendApplication(from: bob, "and again")
        // Bob updates (a Commit with only a path), then Alice removes Bob.
        try world.commit(by: bob, CommitOptions())
        try world.expectInSync()
        try world.sendApplication(from: 0, "after the update")
        try world.commit(by: 0, CommitOptions(removing: [try world.leaf(of: bob)]))
        #expect(world.groups[bob] == nil)
        #expect(world.groups[0]?.members.count == 1)
    }

    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault])
    func threeMembers(suite: CipherSuite) throws {
        var world = GroupWorld(suite: suite)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient()
        // Both added in one Commit without a path.
        try world.commit(
            by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)], includePath: false),
            joiners: [bob, carol])
        try world.expectInSync()
        try world.sendApplication(from: carol, "hi all")
        // Carol self-updates; Bob commits (encrypted) with a path; Bob removes Alice.
        try world.commit(by: carol, CommitOptions())
        try world.expectInSync()
        try world.commit(by: bob, CommitOptions(encrypted: true))
        try world.expectInSync()
        try world.commit(by: bob, CommitOptions(removing: [0]))
        try world.expectInSync()
        #expect(world.groups[0] == nil)
        try world.sendApplication(from: bob, "two left")
    }

    @Test func manyMembers() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        var joiners: [Int] = []
        for _ in 0..<20 { joiners.append(try world.newClient()) }
        let packages = try joiners.map { world.keyPackage($0) }
        let created = try world.commit(by: 0, CommitOptions(adding: packages), joiners: joiners)
        #expect(created.summary.added.count == 20)
        try world.expectInSync()
        // Remove every third member in one Commit by a member in the middle, then updates.
        let victims = try joiners.enumerated().filter { $0.offset % 3 == 0 }.map { try world.leaf(of: $0.element) }
        try world.commit(by: joiners[1], CommitOptions(removing: victims))
        try world.expectInSync()
        #expect(world.groups.count == 21 - victims.count)
        for client in [joiners[2], joiners[4], 0] {
            try world.commit(by: client, CommitOptions())
            try world.expectInSync()
        }
        // New members take the blank leaves again.
        let late = [try world.newClient(), try world.newClient()]
        try world.commit(by: joiners[5], CommitOptions(adding: try late.map { world.keyPackage($0) }), joiners: late)
        try world.expectInSync()
        try world.sendApplication(from: late[1], "late hello")
    }

    /// A proposal sent on its own and covered by reference in another member's Commit.
    @Test func proposalsByReference() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient(), dave = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
        // Bob proposes adding Dave (encrypted) and removing Carol (public); Alice commits both by reference.
        var bobGroup = try #require(world.groups[bob])
        let addProposal = try GroupWorld.transmit(try bobGroup.propose(.add(Add(keyPackage: world.keyPackage(dave))), encrypted: true))
        let removeProposal = try GroupWorld.transmit(try bobGroup.propose(.remove(Remove(removed: try world.leaf(of: carol)))))
        world.groups[bob] = bobGroup
        for client in [0, carol] {
            var group = try #require(world.groups[client])
            guard case .proposal = try group.process(addProposal), case .proposal = try group.process(removeProposal) else {
                Issue.record("proposal not cached")
                return
            }
            #expect(group.pendingProposals.count == 2)
            world.groups[client] = group
        }
        let created = try world.commit(by: 0, CommitOptions(), joiners: [dave])
        #expect(created.summary.added.count == 1)
        #expect(created.summary.removed.count == 1)
        #expect(world.groups[carol] == nil)
        try world.expectInSync()
        #expect(world.groups[0]?.pendingProposals.isEmpty == true)
    }

    /// External and resumption PSKs injected by a Commit; a joiner gets the PSK IDs in its Welcome.
    @Test func preSharedKeys() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        world.pskStore.add(id: Array("shared psk".utf8), psk: Secret(bytes: Array(repeating: 7, count: 32)))
        try world.create()
        let bob = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob)]), joiners: [bob])
        let alice = try #require(world.groups[0])
        try world.commit(by: 0, CommitOptions(psks: [alice.externalPSKID(Array("shared psk".utf8)), alice.resumptionPSKID(epoch: 1)]))
        try world.expectInSync()
        let carol = try world.newClient()
        let bobGroup = try #require(world.groups[bob])
        try world.commit(
            by: bob, CommitOptions(adding: [world.keyPackage(carol)], psks: [bobGroup.externalPSKID(Array("shared psk".utf8))]),
            joiners: [carol])
        try world.expectInSync()
        // An unknown PSK is refused when committing.
        var group = try #require(world.groups[0])
        #expect(throws: MLSGroupError.missingPSK) { try group.commit(CommitOptions(psks: [group.externalPSKID([9, 9])])) }
    }

    /// An external joiner enters from a GroupInfo; everyone processes its Commit.
    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault, CipherSuite(rawValue: 2)])
    func externalJoin(suite: CipherSuite) throws {
        var world = GroupWorld(suite: suite)
        world.policy.allowsExternalJoins = true
        try world.create()
        let bob = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob)]), joiners: [bob])
        let info = try GroupInfo(wireBytes: try #require(world.groups[bob]).groupInfo().wireBytes)
        let eve = try world.newClient()
        let (joined, commit) = try MLSGroup.joinExternally(
            groupInfo: info, leafTemplate: world.keyPackage(eve).leafNode, signer: world.clients[eve].signer,
            configuration: world.configuration)
        let message = try GroupWorld.transmit(commit)
        for client in [0, bob] {
            var group = try #require(world.groups[client])
            guard case .commit(let summary) = try group.process(message) else {
                Issue.record("not a commit")
                return
            }
            #expect(summary.isExternalJoin)
            world.groups[client] = group
        }
        world.groups[eve] = joined
        try world.expectInSync()
        try world.sendApplication(from: eve, "I am in")
        try world.commit(by: 0, CommitOptions())
        try world.expectInSync()
    }

    /// The committer keeps its Commit pending until the relay answers; on a conflict it
    /// discards it, processes the winner, and commits again in the new epoch.
    @Test func pendingCommitConflict() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob)]), joiners: [bob])
        var alice = try #require(world.groups[0])
        var bobGroup = try #require(world.groups[bob])
        let aliceCommit = try alice.selfUpdate()
        let bobCommit = try bobGroup.selfUpdate()
        #expect(alice.hasPendingCommit && alice.epochNumber == 1)
        #expect(throws: MLSGroupError.pendingCommitExists) { try alice.selfUpdate() }
        // The relay accepts Bob's; Alice processes it (her pending commit is dropped).
        try bobGroup.mergePendingCommit()
        _ = try alice.process(try GroupWorld.transmit(bobCommit.commit))
        #expect(!alice.hasPendingCommit)
        #expect(alice.epochAuthenticator == bobGroup.epochAuthenticator)
        // Alice's stale Commit is refused by Bob as from the wrong epoch.
        #expect(throws: MLSGroupError.wrongEpoch) { try bobGroup.process(try GroupWorld.transmit(aliceCommit.commit)) }
        #expect(throws: MLSGroupError.noPendingCommit) { try alice.mergePendingCommit() }
        // Rebase: commit again.
        world.groups[0] = alice
        world.groups[bob] = bobGroup
        try world.commit(by: 0, CommitOptions())
        try world.expectInSync()
        // Discarding drops the pending Commit: a new one can be made, and it is the one that counts.
        var discarded = try #require(world.groups[0])
        _ = try discarded.selfUpdate()
        #expect(discarded.hasPendingCommit)
        discarded.discardPendingCommit()
        #expect(!discarded.hasPendingCommit)
        #expect(throws: MLSGroupError.noPendingCommit) { try discarded.mergePendingCommit() }
        let again = try discarded.selfUpdate()
        try discarded.mergePendingCommit()
        var bobAfter = try #require(world.groups[bob])
        _ = try bobAfter.process(try GroupWorld.transmit(again.commit))
        #expect(bobAfter.epochAuthenticator == discarded.epochAuthenticator)
    }

    @Test func groupContextExtensionsAndExporter() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob)]), joiners: [bob])
        let required = Extension(extensionType: .requiredCapabilities, extensionData: RequiredCapabilities(credentialTypes: [.basic]).wireBytes)
        let created = try world.commit(by: bob, CommitOptions(groupContextExtensions: [required]))
        #expect(created.summary.newExtensions == [required])
        try world.expectInSync()
        #expect(world.groups[0]?.groupContext.extensions == [required])
        let a = try #require(world.groups[0]).export(label: "key", context: [], length: 16)
        let b = try #require(world.groups[0]).export(label: "other", context: [], length: 16)
        #expect(a != b)
    }
}

/// `serialized()` / `init(serialized:)`: versioned, complete, and strict.
@Suite struct GroupStateSerializationTests {
    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault, CipherSuite(rawValue: 5)])
    func roundTripKeepsWorking(suite: CipherSuite) throws {
        var world = GroupWorld(suite: suite)
        world.pskStore.add(id: [1], psk: Secret(bytes: Array(repeating: 1, count: 32)))
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
        // Some out-of-order state: Bob sends two messages, Carol reads only the second.
        var bobGroup = try #require(world.groups[bob])
        let first = try GroupWorld.transmit(try bobGroup.encrypt([1]))
        let second = try GroupWorld.transmit(try bobGroup.encrypt([2]))
        world.groups[bob] = bobGroup
        var carolGroup = try #require(world.groups[carol])
        _ = try carolGroup.process(second)
        // A cached proposal too (delivered to Alice as well: Carol's next Commit covers it).
        let proposal = try GroupWorld.transmit(try bobGroup.propose(.preSharedKey(PreSharedKey(psk: bobGroup.externalPSKID([1])))))
        _ = try carolGroup.process(proposal)
        var alice = try #require(world.groups[0])
        _ = try alice.process(proposal)
        world.groups[0] = alice

        let bytes = try carolGroup.serialized()
        #expect(Array(bytes.prefix(2)) == [0, 2], "format version 2 leads")
        var restored = try MLSGroup(serialized: bytes, configuration: world.configuration)
        #expect(try restored.serialized() == bytes)
        #expect(restored.epochAuthenticator == carolGroup.epochAuthenticator)
        #expect(restored.pendingProposals.count == 1)
        // The retained key of the skipped message survived; the consumed one did not.
        guard case .application(let late) = try restored.process(first) else {
            Issue.record("not application")
            return
        }
        #expect(late.data == [1])
        #expect(throws: MLSGroupError.self) { try restored.process(second) }
        world.groups[carol] = restored
        world.groups[bob] = bobGroup
        // The restored member keeps committing and following commits.
        try world.commit(by: carol, CommitOptions())
        try world.expectInSync()
        try world.sendApplication(from: carol, "restored")
    }

    @Test func refusesUnknownVersionsAndDamage() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        var alice = try #require(world.groups[0])
        let bytes = try alice.serialized()
        #expect(throws: MLSGroupError.unsupportedStateVersion(3)) { try MLSGroup(serialized: [0, 3] + bytes.dropFirst(2), configuration: world.configuration) }
        #expect(throws: MLSGroupError.malformedState) { try MLSGroup(serialized: bytes + [0], configuration: world.configuration) }
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 50)) {
            #expect(throws: MLSGroupError.self) { try MLSGroup(serialized: Array(bytes.prefix(cut)), configuration: world.configuration) }
        }
        // A pending Commit is part of the state (GroupPendingCommitStateTests).
        _ = try alice.selfUpdate()
        #expect(try MLSGroup(serialized: try alice.serialized(), configuration: world.configuration).hasPendingCommit)
    }
}

/// The KeyPackageBundle of the key-package API plugs straight into creating and joining groups.
@Suite struct GroupKeyPackageBundleTests {
    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault])
    func createAndJoinWithBundles(suite: CipherSuite) throws {
        let crypto = try suite.crypto()
        let now: UInt64 = 1_800_000_000
        let configuration = MLSGroup.Configuration(lifetimePolicy: .check(now: { now }), credentialValidator: LetterlockIdentityValidator())
        func identity(_ n: UInt8) -> LetterlockIdentity {
            LetterlockIdentity(accountID: Array(repeating: n, count: 16), deviceID: Array(repeating: n &+ 1, count: 16))!
        }
        let alice = try KeyPackageBundle(crypto: crypto, identity: identity(1), now: now)
        let bob = try KeyPackageBundle(crypto: crypto, identity: identity(2), now: now)
        var group = try MLSGroup(
            creating: [7, 7], cipherSuite: suite, leafNode: alice.keyPackage.leafNode, encryptionKey: alice.privateKeys.encryptionKey,
            signer: alice.privateKeys.signatureKey, configuration: configuration)
        let created = try group.commit(CommitOptions(adding: [bob.keyPackage.value]))
        try group.mergePendingCommit()
        guard case .welcome(let welcome) = try MLSMessage(wireBytes: try #require(created.welcome).wireBytes).body else {
            Issue.record("no welcome")
            return
        }
        var joined = try MLSGroup(joining: welcome, keyPackageBundle: bob, configuration: configuration)
        #expect(joined.epochAuthenticator == group.epochAuthenticator)
        guard case .application(let message) = try joined.process(try group.encrypt([4, 2])) else {
            Issue.record("not application")
            return
        }
        #expect(message.data == [4, 2])
    }
}
