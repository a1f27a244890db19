@testable import MLS
import Testing
import WireFormat

extension MLSGroup {
    /// Test only: a member Commit with any proposal list (no §12.2 validation on this side),
    /// signed and membership-tagged, with `confirmationTag` (zeros by default). With
    /// `corruptSignature`, the signature is altered before the membership tag is computed, so
    /// only the signature check can catch it.
    mutating func forgeCommit(
        _ proposals: [ProposalOrRef], path: UpdatePath? = nil, confirmationTag: [UInt8]? = nil, corruptSignature: Bool = false
    ) throws -> MLSMessage {
        let content = FramedContent(
            groupID: groupID, epoch: epochNumber, sender: .member(leafIndex: ownLeafIndex), authenticatedData: [],
            body: .commit(Commit(proposals: proposals, path: path)))
        var (tbs, signature) = try sign(content, wireFormat: .publicMessage, in: epoch)
        if corruptSignature { signature[0] ^= 1 }
        let auth = FramedContentAuthData(signature: signature, confirmationTag: confirmationTag ?? Array(repeating: 0, count: crypto.hashLength))
        return try seal(content, tbs: tbs, auth: auth, wireFormat: .publicMessage)
    }
}

/// Every §12.2 rule and the §12.4.2 checks, each provoked by a Commit that breaks only that
/// rule: the receiver must refuse it with the matching typed error and keep its state.
@Suite struct GroupValidationTests {
    /// Alice (0), Bob (1) and Carol (2) in epoch 1; Dave (3) and Erin (4) not in the group.
    static func world() throws -> GroupWorld {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient(), carol = try world.newClient()
        _ = try world.newClient()
        _ = try world.newClient()
        try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(bob), world.keyPackage(carol)]), joiners: [bob, carol])
        return world
    }

    /// Bob forges `proposals`; Alice must refuse with `expected` and stay in her epoch.
    static func expectRejected(
        _ expected: MLSGroupError, path: UpdatePath? = nil, sourceLocation: SourceLocation = #_sourceLocation,
        _ proposals: (GroupWorld) throws -> [ProposalOrRef]
    ) throws {
        let world = try world()
        var bob = try #require(world.groups[1])
        let message = try GroupWorld.transmit(try bob.forgeCommit(try proposals(world), path: path))
        var alice = try #require(world.groups[0])
        let before = alice.epochAuthenticator
        #expect(throws: expected, sourceLocation: sourceLocation) { try alice.process(message) }
        #expect(alice.epochNumber == 1 && alice.epochAuthenticator == before, sourceLocation: sourceLocation)
    }

    static func psk(_ world: GroupWorld, nonce: Int = 32, usage: ResumptionPSKUsage = .application) -> PreSharedKeyID {
        PreSharedKeyID(kind: .resumption(usage: usage, groupID: world.groups[0]!.groupID, epoch: 1), nonce: Array(repeating: 5, count: nonce))
    }

    @Test func updateByCommitter() throws {
        try Self.expectRejected(.updateByCommitter) { world in
            [.proposal(.update(Update(leafNode: try world.clients[1].leafNode(source: .update, groupID: world.groups[0]!.groupID, leafIndex: 1))))]
        }
    }

    @Test func removesCommitter() throws {
        try Self.expectRejected(.removesCommitter) { _ in [.proposal(.remove(Remove(removed: 1)))] }
    }

    @Test func twoRemovesOfOneLeaf() throws {
        try Self.expectRejected(.duplicateUpdateOrRemove) { _ in [.proposal(.remove(Remove(removed: 2))), .proposal(.remove(Remove(removed: 2)))] }
    }

    @Test func removeOfBlankLeaf() throws {
        try Self.expectRejected(.removesBlankLeaf) { _ in [.proposal(.remove(Remove(removed: 99)))] }
    }

    @Test func twoAddsOfOneClient() throws {
        try Self.expectRejected(.duplicateAdd) { world in [.proposal(.add(Add(keyPackage: world.keyPackage(3)))), .proposal(.add(Add(keyPackage: world.keyPackage(3))))] }
    }

    @Test func addOfExistingMember() throws {
        try Self.expectRejected(.addsExistingMember) { world in [.proposal(.add(Add(keyPackage: world.keyPackage(2))))] }
    }

    @Test func addWithBadKeyPackageSignature() throws {
        try Self.expectRejected(.invalidKeyPackage(.badSignature)) { world in
            var keyPackage = world.keyPackage(3)
            keyPackage.signature[0] ^= 1
            return [.proposal(.add(Add(keyPackage: keyPackage)))]
        }
    }

    @Test func addWithExpiredKeyPackage() throws {
        try Self.expectRejected(.invalidKeyPackage(.leafNode(.lifetime))) { world in
            [.proposal(.add(Add(keyPackage: try world.clients[3].keyPackage(notBefore: 100, notAfter: 200))))]
        }
    }

    @Test func duplicatePSK() throws {
        try Self.expectRejected(.duplicatePSK) { world in
            [.proposal(.preSharedKey(PreSharedKey(psk: Self.psk(world)))), .proposal(.preSharedKey(PreSharedKey(psk: Self.psk(world))))]
        }
    }

    @Test func pskNonceLength() throws {
        try Self.expectRejected(.pskNonceLength) { world in [.proposal(.preSharedKey(PreSharedKey(psk: Self.psk(world, nonce: 16))))] }
    }

    @Test func reinitPSKOutsideReinit() throws {
        try Self.expectRejected(.pskUsageNotAllowed) { world in [.proposal(.preSharedKey(PreSharedKey(psk: Self.psk(world, usage: .reinit))))] }
    }

    @Test func missingPSK() throws {
        try Self.expectRejected(.missingPSK) { world in
            [.proposal(.preSharedKey(PreSharedKey(psk: PreSharedKeyID(kind: .external(pskID: [1]), nonce: Array(repeating: 1, count: 32)))))]
        }
    }

    @Test func twoGroupContextExtensions() throws {
        try Self.expectRejected(.multipleGroupContextExtensions) { _ in
            [.proposal(.groupContextExtensions(GroupContextExtensions(extensions: []))), .proposal(.groupContextExtensions(GroupContextExtensions(extensions: [])))]
        }
    }

    @Test func unsupportedGroupContextExtension() throws {
        try Self.expectRejected(.extensionNotSupportedByMembers) { _ in
            [.proposal(.groupContextExtensions(GroupContextExtensions(extensions: [Extension(extensionType: ExtensionType(rawValue: 0xFF00), extensionData: [])])))]
        }
    }

    @Test func reInitWithOtherProposals() throws {
        try Self.expectRejected(.reInitNotAlone) { world in
            [.proposal(.reInit(ReInit(groupID: [9], cipherSuite: world.suite, extensions: []))), .proposal(.remove(Remove(removed: 2)))]
        }
    }

    @Test func externalInitInMemberCommit() throws {
        try Self.expectRejected(.externalInitInMemberCommit) { _ in [.proposal(.externalInit(ExternalInit(kemOutput: [1, 2, 3])))] }
    }

    @Test func pathRequiredForRemove() throws {
        try Self.expectRejected(.pathRequired) { _ in [.proposal(.remove(Remove(removed: 2)))] }
    }

    @Test func pathRequiredForEmptyCommit() throws {
        try Self.expectRejected(.pathRequired) { _ in [] }
    }

    @Test func unknownProposalReference() throws {
        try Self.expectRejected(.unknownProposalReference) { _ in [.reference(Array(repeating: 7, count: 32))] }
    }

    @Test func badConfirmationTag() throws {
        try Self.expectRejected(.badConfirmationTag) { world in [.proposal(.add(Add(keyPackage: world.keyPackage(3))))] }
    }

    @Test func badSignature() throws {
        let world = try Self.world()
        var bob = try #require(world.groups[1])
        let message = try GroupWorld.transmit(try bob.forgeCommit([.proposal(.add(Add(keyPackage: world.keyPackage(3))))], corruptSignature: true))
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.protection(.invalidSignature)) { try alice.process(message) }
    }

    @Test func tamperedCommitBytes() throws {
        var world = try Self.world()
        var bob = try #require(world.groups[1])
        let created = try bob.commit(CommitOptions(adding: [world.keyPackage(3)], encrypted: true))
        guard case .privateMessage(var privateMessage) = created.commit.body else {
            Issue.record("not encrypted")
            return
        }
        privateMessage.ciphertext[privateMessage.ciphertext.count / 2] ^= 1
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.protection(.decryptionFailed)) { try alice.process(MLSMessage(.privateMessage(privateMessage))) }
        // The untampered Commit still applies afterwards.
        _ = try alice.process(try GroupWorld.transmit(created.commit))
        try bob.mergePendingCommit()
        #expect(alice.epochAuthenticator == bob.epochAuthenticator)
        world.groups[0] = alice
    }

    @Test func wrongEpochAndGroup() throws {
        var world = try Self.world()
        var bob = try #require(world.groups[1])
        let old = try GroupWorld.transmit(try bob.encrypt([1, 2, 3]))
        world.groups[1] = bob
        try world.commit(by: 0, CommitOptions())
        var carol = try #require(world.groups[2])
        #expect(throws: MLSGroupError.wrongEpoch) { try carol.process(old) }
        var other = GroupWorld(suite: world.suite)
        try other.create(groupID: [0xAA])
        var stranger = try #require(other.groups[0])
        let foreign = try GroupWorld.transmit(try stranger.encrypt([1]))
        #expect(throws: MLSGroupError.wrongGroup) { try carol.process(foreign) }
        #expect(throws: MLSGroupError.unexpectedWireFormat) { try carol.process(MLSMessage(.keyPackage(world.keyPackage(3)))) }
    }

    /// The committer side refuses the same lists before sending anything.
    @Test func committerSideRules() throws {
        let world = try Self.world()
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.removesCommitter) { try alice.commit(CommitOptions(removing: [0])) }
        #expect(throws: MLSGroupError.addsExistingMember) { try alice.commit(CommitOptions(adding: [world.keyPackage(1)])) }
        #expect(throws: MLSGroupError.duplicateUpdateOrRemove) { try alice.commit(CommitOptions(removing: [1, 1])) }
        #expect(throws: MLSGroupError.invalidKeyPackage(.leafNode(.lifetime))) {
            try alice.commit(CommitOptions(adding: [try world.clients[3].keyPackage(notBefore: 5_000, notAfter: 6_000)]))
        }
        #expect(!alice.hasPendingCommit)
    }

    /// External commits: only ExternalInit, at most one Remove, PSKs; by value only.
    @Test func externalCommitRules() throws {
        let world = try Self.world()
        let info = try #require(world.groups[0]).groupInfo()
        let (_, commit) = try MLSGroup.joinExternally(
            groupInfo: info, leafTemplate: world.keyPackage(3).leafNode, signer: world.clients[3].signer, configuration: world.configuration)
        guard case .publicMessage(let message) = commit.body, case .commit(let original) = message.content.body else {
            Issue.record("not a public commit")
            return
        }
        let crypto = try world.suite.crypto()
        func resigned(_ proposals: [ProposalOrRef]) throws -> MLSMessage {
            var content = message.content
            content.body = .commit(Commit(proposals: proposals, path: original.path))
            let tbs = MessageProtection(crypto: crypto, groupContext: info.groupContext).framedContentTBS(content, wireFormat: .publicMessage)
            let signature = try crypto.signWithLabel(privateKey: world.clients[3].signer, label: "FramedContentTBS", content: tbs)
            return MLSMessage(.publicMessage(PublicMessage(content: content, auth: FramedContentAuthData(signature: signature, confirmationTag: message.auth.confirmationTag), membershipTag: nil)))
        }
        let externalInit = original.proposals[0]
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.invalidExternalCommit) { try alice.process(try resigned([externalInit, externalInit])) }
        #expect(throws: MLSGroupError.invalidExternalCommit) { try alice.process(try resigned([])) }
        #expect(throws: MLSGroupError.invalidExternalCommit) { try alice.process(try resigned([externalInit, .proposal(.add(Add(keyPackage: world.keyPackage(4))))])) }
        #expect(throws: MLSGroupError.proposalByReferenceInExternalCommit) { try alice.process(try resigned([externalInit, .reference([1])])) }
        // The untouched external Commit applies.
        guard case .commit(let summary) = try alice.process(commit) else {
            Issue.record("not applied")
            return
        }
        #expect(summary.isExternalJoin && summary.committer == 3)
    }

    /// A Welcome is refused when its tree or GroupInfo is not what it claims.
    @Test func welcomeChecks() throws {
        var world = try Self.world()
        var alice = try #require(world.groups[0])
        let created = try alice.commit(CommitOptions(adding: [world.keyPackage(3)], ratchetTreeInWelcome: false))
        guard case .welcome(let welcome) = created.welcome?.body else {
            Issue.record("no welcome")
            return
        }
        #expect(throws: MLSGroupError.missingRatchetTree) {
            try MLSGroup(joining: welcome, keyPackage: world.keyPackage(3), privateKeys: world.keys(3), configuration: world.configuration)
        }
        // A tree from the old epoch does not hash to the GroupInfo's tree hash.
        #expect(throws: MLSGroupError.tree(.treeHashMismatch)) {
            try MLSGroup(
                joining: welcome, keyPackage: world.keyPackage(3), privateKeys: world.keys(3), ratchetTree: alice.ratchetTree.wireValue,
                configuration: world.configuration)
        }
        #expect(throws: MLSGroupError.welcome(.notForThisKeyPackage)) {
            try MLSGroup(joining: welcome, keyPackage: world.keyPackage(4), privateKeys: world.keys(4), configuration: world.configuration)
        }
        try alice.mergePendingCommit()
        let joined = try MLSGroup(
            joining: welcome, keyPackage: world.keyPackage(3), privateKeys: world.keys(3), ratchetTree: alice.ratchetTree.wireValue,
            configuration: world.configuration)
        #expect(joined.epochAuthenticator == alice.epochAuthenticator)
        world.groups[0] = alice
    }

    /// GroupSecrets print no secret.
    @Test func groupSecretsDescription() {
        let secrets = GroupSecrets(joinerSecret: Secret(bytes: Array(repeating: 0xAB, count: 32)), pathSecret: nil, psks: [])
        #expect(!"\(secrets)".lowercased().contains("ab"))
        #expect(!String(reflecting: secrets).contains("171"))
    }
}

/// Adds above the parallel chunk size: KeyPackages are validated and Welcome secrets sealed in
/// parallel; results must keep list order and report the first bad KeyPackage.
@Suite struct GroupLargeAddTests {
    @Test func parallelAddKeepsOrderAndErrors() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        var clients: [Int] = []
        for _ in 0..<150 { clients.append(try world.newClient()) }
        var packages = clients.map { world.keyPackage($0) }
        var alice = try #require(world.groups[0])
        packages[97].signature[3] ^= 1
        #expect(throws: MLSGroupError.invalidKeyPackage(.badSignature)) { try alice.commit(CommitOptions(adding: packages)) }
        packages[97] = world.keyPackage(clients[97])
        let joiners = [clients[0], clients[70], clients[149]]
        let created = try world.commit(by: 0, CommitOptions(adding: packages), joiners: joiners)
        #expect(created.summary.added.map(\.leafIndex) == Array(1...150))
        for (position, client) in clients.enumerated() where joiners.contains(client) {
            #expect(try world.leaf(of: client) == UInt32(position + 1))
        }
        try world.expectInSync()
        try world.commit(by: clients[70], CommitOptions())
        try world.expectInSync()
    }
}
