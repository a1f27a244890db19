@testable import MLS
import Testing

/// Joining a reinitialized or branched group (RFC 9420 §11.2, §11.3, §12.4.3.1).
@Suite struct GroupResumptionTests {
    /// Alice, Bob and Carol in suite 1; a ReInit to a new group ID in the post-quantum suite is
    /// proposed, processed and committed; every member is now `.reinitialized`.
    static func reinitializedWorld() throws -> (old: GroupWorld, reInit: ReInit) {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
        let reInit = ReInit(groupID: Array("reinitialized".utf8), version: .mls10, cipherSuite: .letterlockDefault, extensions: [])
        var bobGroup = try #require(world.groups[bob])
        let proposal = try GroupWorld.transmit(try bobGroup.propose(.reInit(reInit)))
        world.groups[bob] = bobGroup
        for client in [0, carol] {
            var group = try #require(world.groups[client])
            _ = try group.process(proposal)
            world.groups[client] = group
        }
        try world.commit(by: 0, CommitOptions())
        for group in world.groups.values { #expect(group.status == .reinitialized(reInit)) }
        return (world, reInit)
    }

    /// The same three identities with fresh keys in `suite` (new KeyPackages for the new group).
    static func newKeys(suite: CipherSuite, count: Int = 3) throws -> GroupWorld {
        var world = GroupWorld(suite: suite)
        for _ in 0..<count { _ = try world.newClient() }
        return world
    }

    @Test func membersJoinTheReinitializedGroup() throws {
        let (old, reInit) = try Self.reinitializedWorld()
        var next = try Self.newKeys(suite: reInit.cipherSuite)
        let resumed = try MLSGroup.reinitializing(
            try #require(old.groups[0]), leafNode: next.keyPackage(0).leafNode, encryptionKey: next.clients[0].encryptionKey,
            signer: next.clients[0].signer, adding: [next.keyPackage(1), next.keyPackage(2)], configuration: next.configuration)
        #expect(resumed.group.groupID == reInit.groupID && resumed.group.cipherSuite == reInit.cipherSuite && resumed.group.epochNumber == 1)
        guard case .welcome(let welcome) = try GroupWorld.transmit(try #require(resumed.summary.welcome)).body else {
            Issue.record("no welcome")
            return
        }
        next.groups[0] = resumed.group
        // Without the old group the Welcome cannot be checked.
        #expect(throws: MLSGroupError.reInitOrBranchNotSupported) {
            try MLSGroup(joining: welcome, keyPackage: next.keyPackage(1), privateKeys: next.keys(1), configuration: next.configuration)
        }
        for client in [1, 2] {
            next.groups[client] = try MLSGroup(
                joining: welcome, keyPackage: next.keyPackage(client), privateKeys: next.keys(client), resuming: try #require(old.groups[client]),
                configuration: next.configuration)
        }
        try next.expectInSync()
        try next.sendApplication(from: 2, "in the new group")
        try next.commit(by: 1, CommitOptions(includePath: true))
        try next.expectInSync()
    }

    @Test func aReinitializedGroupMustKeepEveryMember() throws {
        let (old, reInit) = try Self.reinitializedWorld()
        let next = try Self.newKeys(suite: reInit.cipherSuite)
        // Carol is left out: Bob refuses the Welcome.
        let resumed = try MLSGroup.reinitializing(
            try #require(old.groups[0]), leafNode: next.keyPackage(0).leafNode, encryptionKey: next.clients[0].encryptionKey,
            signer: next.clients[0].signer, adding: [next.keyPackage(1)], configuration: next.configuration)
        guard case .welcome(let welcome) = try #require(resumed.summary.welcome).body else { return }
        #expect(throws: MLSGroupError.resumptionMismatch) {
            try MLSGroup(
                joining: welcome, keyPackage: next.keyPackage(1), privateKeys: next.keys(1), resuming: try #require(old.groups[1]),
                configuration: next.configuration)
        }
        // A group that was not reinitialized cannot start one, and one that was is not a branch source.
        var fresh = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try fresh.create()
        #expect(throws: MLSGroupError.notReinitialized) {
            try MLSGroup.reinitializing(
                try #require(fresh.groups[0]), leafNode: next.keyPackage(0).leafNode, encryptionKey: next.clients[0].encryptionKey,
                signer: next.clients[0].signer, adding: [], configuration: next.configuration)
        }
        #expect(throws: MLSGroupError.groupInactive) {
            try MLSGroup.branching(
                try #require(old.groups[0]), groupID: [9], leafNode: next.keyPackage(0).leafNode, encryptionKey: next.clients[0].encryptionKey,
                signer: next.clients[0].signer, adding: [], configuration: next.configuration)
        }
    }

    @Test func aSubgroupBranchesOff() throws {
        var old = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try old.create()
        let bob = try old.newClient(), carol = try old.newClient()
        try old.commit(by: 0, CommitOptions(adding: [old.keyPackage(bob), old.keyPackage(carol)]), joiners: [bob, carol])
        try old.commit(by: carol, CommitOptions(includePath: true))
        var next = try Self.newKeys(suite: old.suite, count: 4)  // client 3 was never in the old group

        // Alice and Bob branch off without Carol.
        let resumed = try MLSGroup.branching(
            try #require(old.groups[0]), groupID: Array("subgroup".utf8), leafNode: next.keyPackage(0).leafNode,
            encryptionKey: next.clients[0].encryptionKey, signer: next.clients[0].signer, adding: [next.keyPackage(1)],
            configuration: next.configuration)
        guard case .welcome(let welcome) = try GroupWorld.transmit(try #require(resumed.summary.welcome)).body else { return }
        next.groups[0] = resumed.group
        next.groups[1] = try MLSGroup(
            joining: welcome, keyPackage: next.keyPackage(1), privateKeys: next.keys(1), resuming: try #require(old.groups[bob]),
            configuration: next.configuration)
        try next.expectInSync()
        try next.sendApplication(from: 1, "just us")
        // The old group goes on untouched.
        try old.sendApplication(from: carol, "still here")

        // A branch with someone who was never a member is refused.
        let foreign = try MLSGroup.branching(
            try #require(old.groups[0]), groupID: Array("with a stranger".utf8), leafNode: next.keyPackage(0).leafNode,
            encryptionKey: next.clients[0].encryptionKey, signer: next.clients[0].signer, adding: [next.keyPackage(1), next.keyPackage(3)],
            configuration: next.configuration)
        guard case .welcome(let foreignWelcome) = try #require(foreign.summary.welcome).body else { return }
        #expect(throws: MLSGroupError.resumptionMismatch) {
            try MLSGroup(
                joining: foreignWelcome, keyPackage: next.keyPackage(1), privateKeys: next.keys(1), resuming: try #require(old.groups[bob]),
                configuration: next.configuration)
        }
        // The branch PSK names the old group: another group cannot stand in for it.
        #expect(throws: MLSGroupError.missingPSK) {
            try MLSGroup(
                joining: welcome, keyPackage: next.keyPackage(1), privateKeys: next.keys(1), resuming: try #require(next.groups[0]),
                configuration: next.configuration)
        }
    }
}
