@testable import MLS
import Testing
import WireFormat

/// Sending Update proposals (RFC 9420 §12.1.2): `MLSGroup.proposeUpdate(encrypted:)`, the
/// pending key, and the cases that must be refused.
@Suite struct GroupUpdateProposalTests {
    /// Alice, Bob and Carol in one group (leaves 0, 1, 2).
    private static func threeMembers(_ suite: CipherSuite) throws -> (world: GroupWorld, bob: Int, carol: Int) {
        var world = GroupWorld(suite: suite)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
        return (world, bob, carol)
    }

    /// `message` processed by each of `clients`, each expected to cache it as a proposal.
    private static func deliverProposal(_ message: MLSMessage, to clients: [Int], in world: inout GroupWorld) throws {
        for client in clients {
            var group = try #require(world.groups[client])
            guard case .proposal = try group.process(try GroupWorld.transmit(message)) else {
                Issue.record("client \(client) did not cache the proposal")
                return
            }
            world.groups[client] = group
        }
    }

    private static func leafKey(of leaf: UInt32, in group: MLSGroup?) throws -> [UInt8] {
        let group = try #require(group)
        return try #require(group.ratchetTree.leaf(at: leaf)).encryptionKey
    }

    /// Bob proposes an Update; Alice commits it; everyone sees Bob's new key, Bob holds its
    /// private key: Carol's next Commit encrypts its path secret to Bob's new leaf (Bob's
    /// direct path was blanked by the Update), which Bob can only process with the new key.
    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .letterlockDefault], [false, true])
    func committedUpdateInstallsTheNewKey(suite: CipherSuite, encrypted: Bool) throws {
        let setup = try Self.threeMembers(suite)
        var world = setup.world
        let bob = setup.bob, carol = setup.carol
        let bobLeaf = try world.leaf(of: bob)
        let oldKey = try Self.leafKey(of: bobLeaf, in: world.groups[bob])

        var bobGroup = try #require(world.groups[bob])
        let update = try bobGroup.proposeUpdate(encrypted: encrypted)
        #expect(bobGroup.hasPendingUpdate)
        #expect(bobGroup.pendingProposals.count == 1, "the sender caches its own proposal")
        guard case .update(let proposed) = bobGroup.pendingProposals.first?.proposal else {
            Issue.record("not an Update")
            return
        }
        #expect(proposed.leafNode.source == .update)
        #expect(proposed.leafNode.encryptionKey != oldKey)
        #expect(proposed.leafNode.signatureKey == world.clients[bob].signer.publicKey)
        // Until a Commit applies it, Bob's leaf and leaf key are unchanged.
        #expect(bobGroup.epoch.privateState.leafKey.publicKey == oldKey)
        world.groups[bob] = bobGroup
        try Self.deliverProposal(update, to: [0, carol], in: &world)

        let created = try world.commit(by: 0, CommitOptions())
        #expect(created.summary.updated == [bobLeaf])
        try world.expectInSync()
        for client in [0, bob, carol] {
            #expect(try Self.leafKey(of: bobLeaf, in: world.groups[client]) == proposed.leafNode.encryptionKey)
        }
        bobGroup = try #require(world.groups[bob])
        #expect(!bobGroup.hasPendingUpdate)
        #expect(bobGroup.epoch.privateState.leafKey.publicKey == proposed.leafNode.encryptionKey)
        #expect(bobGroup.epoch.privateState.isConsistent(with: bobGroup.ratchetTree))

        // Carol's path reaches Bob through his new leaf key only.
        try world.commit(by: carol, CommitOptions(includePath: true))
        try world.expectInSync()
        try world.sendApplication(from: bob, "after the update")
        try world.sendApplication(from: carol, "to bob's new key")
    }

    /// An Update no Commit includes is dropped with its epoch: Bob keeps his old key and still
    /// decrypts the next path encrypted to it.
    @Test func uncommittedUpdateIsDroppedWithItsEpoch() throws {
        let setup = try Self.threeMembers(.mls128DHKEMX25519AES128GCMSHA256Ed25519)
        var world = setup.world
        let bob = setup.bob, carol = setup.carol
        let bobLeaf = try world.leaf(of: bob)
        let oldKey = try Self.leafKey(of: bobLeaf, in: world.groups[bob])
        var bobGroup = try #require(world.groups[bob])
        let update = try bobGroup.proposeUpdate()
        world.groups[bob] = bobGroup
        try Self.deliverProposal(update, to: [0, carol], in: &world)

        let created = try world.commit(by: 0, CommitOptions(includePendingProposals: false, includePath: true))
        #expect(created.summary.updated.isEmpty)
        bobGroup = try #require(world.groups[bob])
        #expect(!bobGroup.hasPendingUpdate)
        #expect(bobGroup.pendingProposals.isEmpty)
        #expect(try Self.leafKey(of: bobLeaf, in: bobGroup) == oldKey)
        try world.commit(by: carol, CommitOptions(includePath: true))
        try world.expectInSync()
    }

    /// The pending key survives `serialized()` / `init(serialized:)`: a restored Bob processes
    /// the Commit of his Update. A state whose pending key matches no cached Update of ours is refused.
    @Test func pendingUpdateKeySurvivesSerialization() throws {
        let setup = try Self.threeMembers(.letterlockDefault)
        var world = setup.world
        let bob = setup.bob, carol = setup.carol
        var bobGroup = try #require(world.groups[bob])
        let update = try bobGroup.proposeUpdate()
        let state = try bobGroup.serialized()
        world.groups[bob] = try MLSGroup(serialized: state, configuration: world.configuration)
        #expect(world.groups[bob]?.hasPendingUpdate == true)
        try Self.deliverProposal(update, to: [0, carol], in: &world)
        try world.commit(by: 0, CommitOptions())
        try world.commit(by: carol, CommitOptions(includePath: true))
        try world.expectInSync()

        // Without its cached Update the trailing key is inconsistent: refused, never trusted.
        var orphan = bobGroup
        orphan.proposalCache.removeAll()
        #expect(throws: MLSGroupError.malformedState) {
            _ = try MLSGroup(serialized: try orphan.serialized(), configuration: world.configuration)
        }
        // An empty trailing section is not our encoding either.
        var noUpdate = try #require(world.groups[0])
        var bytes = try noUpdate.serialized()
        bytes.append(0)
        #expect(throws: MLSGroupError.malformedState) { _ = try MLSGroup(serialized: bytes, configuration: world.configuration) }
        noUpdate = try MLSGroup(serialized: try noUpdate.serialized(), configuration: world.configuration)
        #expect(!noUpdate.hasPendingUpdate)
    }

    /// What is refused: a generic `propose(.update)`, an Update while our Commit is pending, an
    /// Update of the committer's own leaf in its Commit (dropped, not sent), a received Update
    /// whose key is unchanged, and a Commit applying an Update of our leaf whose key we never held.
    @Test func rejections() throws {
        let setup = try Self.threeMembers(.mls128DHKEMX25519AES128GCMSHA256Ed25519)
        var world = setup.world
        let bob = setup.bob, carol = setup.carol
        let bobLeaf = try world.leaf(of: bob)
        var bobGroup = try #require(world.groups[bob])

        // propose(_:) cannot send an Update: it would have no private key behind it.
        let bobMember = world.clients[bob]
        let handMade = try bobMember.leafNode(source: .update, groupID: bobGroup.groupID, leafIndex: bobLeaf)
        #expect(throws: MLSGroupError.invalidArgument) { _ = try bobGroup.propose(.update(Update(leafNode: handMade))) }

        // Not while a Commit of ours is pending.
        var committing = bobGroup
        _ = try committing.commit(CommitOptions())
        #expect(throws: MLSGroupError.pendingCommitExists) { _ = try committing.proposeUpdate() }

        // Bob's own Commit drops his pending Update (§12.2) and updates through its path.
        var selfCommitting = bobGroup
        _ = try selfCommitting.proposeUpdate()
        let own = try selfCommitting.commit(CommitOptions())
        #expect(own.droppedProposals.map(\.reason) == [.updateByCommitter])
        #expect(own.summary.updated.isEmpty)
        _ = try selfCommitting.mergePendingCommit()
        #expect(!selfCommitting.hasPendingUpdate)

        // A received Update with the current encryption key is refused (§12.1.2).
        let oldKey = try Self.leafKey(of: bobLeaf, in: bobGroup)
        let stale = try bobMember.leafNode(source: .update, groupID: bobGroup.groupID, leafIndex: bobLeaf, encryptionKey: oldKey)
        let content = FramedContent(
            groupID: bobGroup.groupID, epoch: bobGroup.epochNumber, sender: .member(leafIndex: bobLeaf), authenticatedData: [],
            body: .proposal(.update(Update(leafNode: stale))))
        let forged = try MessageProtection(crypto: bobGroup.crypto, groupContext: bobGroup.groupContext)
            .protectPublic(content, signer: bobMember.signer, membershipKey: bobGroup.epoch.keys.membershipKey)
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.invalidLeafNode(.encryptionKeyUnchanged)) { _ = try alice.process(MLSMessage(.publicMessage(forged))) }

        // A copy of Bob that never held the key (state from before the Update) sees its Update
        // committed: it refuses the Commit and is left as it was.
        let before = bobGroup
        let update = try bobGroup.proposeUpdate()
        world.groups[bob] = bobGroup
        try Self.deliverProposal(update, to: [0, carol], in: &world)
        var stranded = before
        guard case .proposal = try stranded.process(try GroupWorld.transmit(update)) else {
            Issue.record("own Update not cached")
            return
        }
        alice = try #require(world.groups[0])
        let created = try alice.commit(CommitOptions())
        #expect(throws: MLSGroupError.privateKeyMismatch) { _ = try stranded.process(try GroupWorld.transmit(created.commit)) }
        #expect(stranded.epochNumber == before.epochNumber)
        // The real Bob processes it.
        guard case .commit(let summary) = try bobGroup.process(try GroupWorld.transmit(created.commit)) else {
            Issue.record("not a commit")
            return
        }
        #expect(summary.updated == [bobLeaf])
    }
}
