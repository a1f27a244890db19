import Foundation
import MLS
import Testing

/// Seeds for `Fuzz/FuzzGroupState`: serialized states of small groups made in code, each
/// checked to restore. With `LETTERLOCK_WRITE_FUZZ_SEEDS=1` they are written to the corpus:
///
///     LETTERLOCK_WRITE_FUZZ_SEEDS=1 swift test --skip-build --filter GroupFuzzSeedTests
@Suite struct GroupFuzzSeedTests {
    @Test func groupStateSeeds() throws {
        var seeds: [(String, [UInt8])] = []
        for suite in [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, CipherSuite(rawValue: 2)] {
            var world = GroupWorld(suite: suite)
            try world.create()
            seeds.append(("state-\(suite.rawValue)-alone", try #require(world.groups[0]).serialized()))
            let bob = try world.newClient(), carol = try world.newClient()
            try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
            var bobGroup = try #require(world.groups[bob])
            let skipped = try bobGroup.encrypt([1])
            _ = skipped
            let message = try bobGroup.encrypt([2])
            var carolGroup = try #require(world.groups[carol])
            _ = try carolGroup.process(message)
            seeds.append(("state-\(suite.rawValue)-three", try carolGroup.serialized()))
            // A pending Update (its key in the optional trailing section) and a removal not yet
            // confirmed (status 3).
            var updating = try #require(world.groups[bob])
            _ = try updating.proposeUpdate()
            seeds.append(("state-\(suite.rawValue)-update", try updating.serialized()))
            var alice = try #require(world.groups[0])
            let removal = try alice.commit(CommitOptions(removing: [try world.leaf(of: carol)]))
            var removed = try #require(world.groups[carol])
            _ = try removed.process(removal.commit)
            #expect(removed.status == .removalUnconfirmed)
            seeds.append(("state-\(suite.rawValue)-removal-unconfirmed", try removed.serialized()))
            // A Commit pending (format version 2): Carol adds Dave with a path, encrypted.
            let dave = try world.newClient()
            _ = try carolGroup.commit(CommitOptions(adding: [world.keyPackage(dave)], includePath: true, encrypted: true))
            seeds.append(("state-\(suite.rawValue)-pending-commit", try carolGroup.serialized()))
        }
        let configuration = MLSGroup.Configuration(lifetimePolicy: .ignore, credentialValidator: AcceptAllCredentialsValidator())
        for (_, bytes) in seeds { _ = try MLSGroup(serialized: bytes, configuration: configuration) }
        guard ProcessInfo.processInfo.environment["LETTERLOCK_WRITE_FUZZ_SEEDS"] == "1" else { return }
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz/FuzzGroupState/corpus")
        for (name, bytes) in seeds { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
    }
}
