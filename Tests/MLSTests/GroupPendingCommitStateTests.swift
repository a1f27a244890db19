import Foundation
@testable import MLS
import Testing
import WireFormat

/// A pending Commit in the serialized state (format version 2), and reading version 1.
@Suite struct GroupPendingCommitStateTests {
    /// Alice (with Bob and Carol in the group) commits adding Dave, saves her state with the
    /// Commit pending, "crashes", and restores: the restored group holds the same Commit to
    /// send again and, once the Delivery Service accepted it, merges into the epoch the others
    /// reach by processing it, releasing the same Welcome.
    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault, CipherSuite(rawValue: 5)])
    func aRestoredPendingCommitMerges(suite: CipherSuite) throws {
        var world = GroupWorld(suite: suite)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient(), dave = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
        // A proposal by reference too, and an encrypted Commit with a path.
        var bobGroup = try #require(world.groups[bob])
        let proposal = try GroupWorld.transmit(try bobGroup.propose(.remove(Remove(removed: try world.leaf(of: carol))), encrypted: true))
        world.groups[bob] = bobGroup
        var alice = try #require(world.groups[0])
        _ = try alice.process(proposal)
        var carolGroup = try #require(world.groups[carol])
        _ = try carolGroup.process(proposal)
        world.groups[carol] = carolGroup

        let created = try alice.commit(CommitOptions(adding: [world.keyPackage(dave)], includePath: true, encrypted: true))
        let saved = try alice.serialized()
        #expect(Array(saved.prefix(2)) == [0, 2], "format version 2 leads")
        var restored = try MLSGroup(serialized: saved, configuration: world.configuration)
        #expect(try restored.serialized() == saved, "stable")
        #expect(restored.hasPendingCommit)
        #expect(restored.epochNumber == alice.epochNumber)
        let resend = try #require(restored.pendingCommitMessage)
        #expect(resend.wireBytes == created.commit.wireBytes, "the very same Commit is sent again")
        // The echo of our own Commit is recognised, and `process` refuses it with ownCommit.
        let echo = try GroupWorld.transmit(created.commit)
        #expect(restored.isPendingCommit(echo))
        #expect(throws: MLSGroupError.ownCommit) { try restored.process(echo) }

        let summary = try restored.mergePendingCommit()
        #expect(summary.welcome?.wireBytes == created.welcome?.wireBytes)
        #expect(summary.added.count == 1 && summary.removed.count == 1 && summary.hadPath)
        #expect(summary.removed.first?.leafIndex == (try world.leaf(of: carol)))
        world.groups[0] = restored
        // Bob processes the Commit; Carol is removed; Dave joins from the restored Welcome.
        bobGroup = try #require(world.groups[bob])
        guard case .commit(let atBob) = try bobGroup.process(echo) else {
            Issue.record("Bob did not see a commit")
            return
        }
        #expect(atBob.epoch == summary.epoch)
        world.groups[bob] = bobGroup
        world.groups[carol] = nil
        guard case .welcome(let welcome) = try GroupWorld.transmit(try #require(summary.welcome)).body else {
            Issue.record("no welcome")
            return
        }
        world.groups[dave] = try MLSGroup(
            joining: welcome, keyPackage: world.keyPackage(dave), privateKeys: world.keys(dave), configuration: world.configuration)
        try world.expectInSync()
        try world.sendApplication(from: 0, "after the restored merge")
        try world.sendApplication(from: dave, "hello")
        try world.commit(by: bob, CommitOptions(includePath: true))
        try world.expectInSync()
    }

    /// The other outcome: another member's Commit won the epoch. The restored group processes
    /// the winner (which drops our pending Commit), or discards explicitly, and commits again.
    @Test(arguments: [true, false])
    func aRestoredPendingCommitLosesTheEpoch(processWinnerFirst: Bool) throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob)]), joiners: [bob])
        var alice = try #require(world.groups[0])
        let lost = try alice.commit(CommitOptions(adding: [world.keyPackage(carol)], encrypted: true))
        var restored = try MLSGroup(serialized: try alice.serialized(), configuration: world.configuration)
        world.groups[0] = nil
        // Bob's self-update wins the epoch.
        var bobGroup = try #require(world.groups[bob])
        let winner = try GroupWorld.transmit(try bobGroup.selfUpdate(encrypted: true).commit)
        try bobGroup.mergePendingCommit()
        world.groups[bob] = bobGroup
        if !processWinnerFirst {
            restored.discardPendingCommit()
            #expect(!restored.hasPendingCommit)
        }
        guard case .commit = try restored.process(winner) else {
            Issue.record("not a commit")
            return
        }
        #expect(!restored.hasPendingCommit)
        #expect(!restored.isPendingCommit(lost.commit))
        // The lost Commit is of the previous epoch now.
        #expect(throws: MLSGroupError.wrongEpoch) { try restored.process(try GroupWorld.transmit(lost.commit)) }
        world.groups[0] = restored
        try world.expectInSync()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(carol)]), joiners: [carol])
        try world.expectInSync()
        try world.sendApplication(from: carol, "in at last")
    }

    /// A state written by the version-1 code (the fuzz seed `v1-state-1-alone`, written by commit
    /// f9a49de before the pending Commit was part of the state) still restores, works, and is
    /// written back as version 2.
    @Test func readsVersionOneStates() throws {
        let bytes = try #require(Self.versionOneState)
        #expect(Array(bytes.prefix(2)) == [0, 1])
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        _ = try world.newClient()  // client 0 is the restored creator
        let restored = try MLSGroup(serialized: bytes, configuration: world.configuration)
        #expect(!restored.hasPendingCommit && restored.status == .active)
        #expect(restored.epochNumber == 0 && restored.members.count == 1)
        let migrated = try restored.serialized()
        #expect(Array(migrated.prefix(2)) == [0, 2])
        // Version 2 of a state without a pending Commit is version 1 plus an absent optional.
        #expect(Array(migrated.dropFirst(2)) == Array(bytes.dropFirst(2)) + [0])
        #expect(try MLSGroup(serialized: migrated, configuration: world.configuration).serialized() == migrated)
        // The restored creator adds a member with its old keys, and they talk.
        world.groups[0] = restored
        let bob = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob)]), joiners: [bob])
        try world.expectInSync()
        try world.sendApplication(from: 0, "migrated")
        try world.sendApplication(from: bob, "hi")
    }

    /// A version-1 layout of a bigger group (out-of-order keys) restores to the same group as
    /// its version-2 form.
    @Test func versionOneLayoutOfABusyGroup() throws {
        var world = GroupWorld(suite: .letterlockDefault)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
        var bobGroup = try #require(world.groups[bob])
        _ = try bobGroup.encrypt([1])
        let second = try GroupWorld.transmit(try bobGroup.encrypt([2]))
        var carolGroup = try #require(world.groups[carol])
        _ = try carolGroup.process(second)
        let v2 = try carolGroup.serialized()
        #expect(v2.last == 0)
        let v1 = [0, 1] + Array(v2.dropFirst(2).dropLast())
        let restored = try MLSGroup(serialized: v1, configuration: world.configuration)
        #expect(try restored.serialized() == v2)
        // A version-1 state carries no pending Commit: the optional's byte is trailing there.
        #expect(throws: MLSGroupError.malformedState) { try MLSGroup(serialized: v1 + [0], configuration: world.configuration) }
    }

    @Test func damagedPendingCommitStatesAreRefused() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient()
        var alice = try #require(world.groups[0])
        _ = try alice.commit(CommitOptions(adding: [world.keyPackage(bob)]))
        let bytes = try alice.serialized()
        #expect(throws: MLSGroupError.unsupportedStateVersion(3)) { try MLSGroup(serialized: [0, 3] + bytes.dropFirst(2), configuration: world.configuration) }
        #expect(throws: MLSGroupError.malformedState) { try MLSGroup(serialized: bytes + [0], configuration: world.configuration) }
        for cut in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 80)) {
            #expect(throws: MLSGroupError.self) { try MLSGroup(serialized: Array(bytes.prefix(cut)), configuration: world.configuration) }
        }
        // Another group's pending Commit grafted onto this state does not fit it.
        var other = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try other.create(groupID: Array("another group".utf8))
        let carol = try other.newClient()
        var otherAlice = try #require(other.groups[0])
        _ = try otherAlice.commit(CommitOptions(adding: [other.keyPackage(carol)]))
        var plain = alice
        plain.discardPendingCommit()
        let prefix = try plain.serialized().dropLast()
        let otherTail = try otherAlice.serialized().suffix(from: try otherAlice.pendingTailOffset())
        #expect(throws: MLSGroupError.malformedState) { try MLSGroup(serialized: Array(prefix) + Array(otherTail), configuration: world.configuration) }
        // Its own tail grafted back restores (the check above is about the fit, not the bytes).
        let ownTail = bytes.suffix(from: try alice.pendingTailOffset())
        #expect(try MLSGroup(serialized: Array(prefix) + Array(ownTail), configuration: world.configuration).hasPendingCommit)
    }

    /// Neither the group's description nor its reflection shows the pending epoch's secrets.
    @Test func descriptionsHoldNoSecretsOfThePendingEpoch() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient()
        var alice = try #require(world.groups[0])
        _ = try alice.commit(CommitOptions(adding: [world.keyPackage(bob)]))
        let described = String(describing: alice) + String(reflecting: alice)
        var merged = alice
        try merged.mergePendingCommit()
        for secret in [merged.epochAuthenticator, merged.epoch.keys.initSecret, merged.epoch.keys.exporterSecret] {
            let hex = secret.withUnsafeBytes { $0.map { String(format: "%02x", $0) }.joined() }
            #expect(!described.contains(hex))
            let decimal = secret.withUnsafeBytes { Array($0).map { String($0) }.joined(separator: ", ") }
            #expect(!described.contains(decimal))
        }
    }

    /// `v1-state-1-alone` as the version-1 code wrote it (see ``readsVersionOneStates()``).
    static let versionOneState: [UInt8]? = hexBytes(
        [
            "0001000120c69a6648cb66a7d5e77176e0a1643a9e086053fa11f0e420235de71d870ba839000100010a746573742067726f757000000000",
            "0000000020a5a27f7a605096cf611b6fb6655741d5a440856233d1f2b6c47fccba13ba6143000040c940c7010120f79fa96a2e605aa8c550",
            "99e0e3e9086683178993665c522c749f2bc6cf746e7420efff4b680b73f6becda4922ce55e615b169a815eb3f3665c3263f45dbbae927700",
            "01210100000000000000000000000000000000d0d0d0d0d0d0d0d0d0d0d0d0d0d0d0d002000102000100000200010100000000000003e800",
            "000000000007d0004040e688656f619d32b39ac5f65c2070edd1d005c0d8300c28660ce7c546fdc5dd604afcd19c6a4952875b55fd5ebc25",
            "1ddf3a943d07bbc7683ac618241d33199a0a000000002010b5984c465f96e8b557293a9c50966747adda43d7eceef4b29bca111031467500",
            "20be60ac3ee22af49633985cc83da4a6a827a1e5cfc9149d87f4a26d62024daca620908c105aa3caa8fbab9485232779dd070ba52be90dad",
            "7507d3baaba6315570a32072714762f094fb769da885df83407a4a69f1eb42c943a6ce3d96486b25fb4df32051178347f9ccd0f7a377d999",
            "d66274f692b0cef0f9a7780ec32adb9cc72cf94f20ac3d88a8dbaa8f01caf8e8995afe9a15873eddb698ea59baf1ecfedc28ab3464202fb0",
            "d07da9c1baacf442dd694e2aab904dedd3dc83ff21a05343489403ff51c620940a5a9aafe5c223857058dab59e3d5d13fd079c1d50748154",
            "84107a05c5970620e4abf6cb141c0e65a81636b23301d1e2ab60dd96c8b20fb9fd9a3785d62d0c68250000000020573139ec6511fee9f981",
            "f9c6d44369c6b74b091a5818d74e647ad9b9d5db740900208fc1633d2976b2085114a25bdae43920e893ff37fcb007e17d80808ce8152e7c",
            "00290000000000000000202fb0d07da9c1baacf442dd694e2aab904dedd3dc83ff21a05343489403ff51c600",
        ].joined())

    static func hexBytes(_ hex: String) -> [UInt8]? {
        var out: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            guard let next = hex.index(index, offsetBy: 2, limitedBy: hex.endIndex), let byte = UInt8(hex[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }
}

extension MLSGroup {
    /// Where the `optional<PendingCommit>` starts in ``serialized()`` (test helper).
    func pendingTailOffset() throws -> Int {
        var copy = self
        copy.discardPendingCommit()
        return try copy.serialized().count - 1
    }
}
