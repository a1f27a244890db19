import Crypto
@testable import MLS
import Testing
import WireFormat

/// A message signed by someone outside the group (no membership tag): a `new_member_proposal`,
/// a `new_member_commit`, or an `external` sender's proposal.
func outsiderMessage(
    _ body: FramedContent.Body, sender: Sender, signer: SignaturePrivateKey, groupContext: GroupContext, confirmationTag: [UInt8]? = nil
) throws -> MLSMessage {
    let crypto = try groupContext.cipherSuite.crypto()
    let content = FramedContent(groupID: groupContext.groupID, epoch: groupContext.epoch, sender: sender, authenticatedData: [], body: body)
    let tbs = MessageProtection(crypto: crypto, groupContext: groupContext).framedContentTBS(content, wireFormat: .publicMessage)
    let signature = try crypto.signWithLabel(privateKey: signer, label: "FramedContentTBS", content: tbs)
    return try GroupWorld.transmit(
        MLSMessage(.publicMessage(PublicMessage(content: content, auth: FramedContentAuthData(signature: signature, confirmationTag: confirmationTag), membershipTag: nil))))
}

/// The Commit (and its path) inside a PublicMessage.
func commitContent(_ message: MLSMessage) throws -> Commit {
    guard case .publicMessage(let publicMessage) = message.body, case .commit(let commit) = publicMessage.content.body else {
        throw MLSGroupError.unexpectedWireFormat
    }
    return commit
}

/// Review 2026-11-21-mls-group, C1 and H1: who may remove a member.
@Suite struct GroupEvictionTests {
    /// C1 as the review reproduces it: a stranger (Dave) with no secret sends an external Commit
    /// [ExternalInit(random), Remove(Alice)] with a well-formed path for itself and a random
    /// confirmation tag. Before the fix Alice marked herself removed. Now the default policy
    /// refuses the resync; with resyncs allowed, H1's rule refuses it (Dave's leaf is not a
    /// valid successor of Alice's). Either way Alice stays active in her epoch.
    @Test(arguments: [false, true])
    func forgedExternalCommitCannotEvict(resyncAllowed: Bool) throws {
        var world = try GroupValidationTests.world()
        world.policy = StandardGroupPolicy(allowsExternalJoins: true, allowsExternalResync: resyncAllowed)
        var alice = try #require(world.groups[0])
        alice.configuration = world.configuration
        let info = try alice.groupInfo()
        // A path for a leaf at index 0 (where Dave lands once leaf 0 is removed).
        let (_, resync) = try MLSGroup.joinExternally(
            groupInfo: info, leafTemplate: world.keyPackage(3).leafNode, signer: world.clients[3].signer, resyncing: 0,
            configuration: world.configuration)
        let path = try #require(try commitContent(resync).path)
        let forged = try outsiderMessage(
            .commit(Commit(proposals: [.proposal(.externalInit(ExternalInit(kemOutput: Array(repeating: 0x42, count: 32)))), .proposal(.remove(Remove(removed: 0)))], path: path)),
            sender: .newMemberCommit, signer: world.clients[3].signer, groupContext: alice.groupContext,
            confirmationTag: Array(repeating: 0x17, count: 32))
        let before = alice.epochAuthenticator
        // The leaf is checked as an Update of Alice's leaf before the policy is asked: refused as
        // no valid successor of Alice's credential, whatever the policy.
        let expected = MLSGroupError.invalidLeafNode(.credentialRejected(CredentialValidationError(reason: "credential is not a valid successor")))
        #expect(throws: expected) { try alice.process(forged) }
        // The genuine resync by Dave is refused the same way.
        #expect(throws: expected) { try alice.process(resync) }
        #expect(alice.status == .active && alice.epochAuthenticator == before)
        try world.sendApplication(from: 0, "still here")
    }

    /// H1, the positive case: a member that lost its state resyncs with its own credential
    /// (allowed by the policy); the others accept it, and Alice's old leaf is replaced.
    @Test func resyncWithOwnCredential() throws {
        var world = try GroupValidationTests.world()
        world.policy = StandardGroupPolicy(allowsExternalResync: true)
        let configuration = world.configuration
        for client in [0, 1, 2] { world.groups[client]?.configuration = configuration }
        let info = try #require(world.groups[1]).groupInfo()
        // Alice's new leaf: same credential and signature key, a fresh encryption key.
        let (resynced, commit) = try MLSGroup.joinExternally(
            groupInfo: info, leafTemplate: world.keyPackage(0).leafNode, signer: world.clients[0].signer, resyncing: 0,
            configuration: world.configuration)
        for client in [1, 2] {
            var group = try #require(world.groups[client])
            guard case .commit(let summary) = try group.process(try GroupWorld.transmit(commit)) else {
                Issue.record("not a commit")
                return
            }
            #expect(summary.isExternalJoin && summary.removed.map(\.leafIndex) == [0] && summary.committer == 0)
            world.groups[client] = group
        }
        world.groups[0] = resynced
        try world.expectInSync()
        // With resyncs refused (the default), the same Commit is refused.
        var strict = try GroupValidationTests.world()
        strict.policy = StandardGroupPolicy(allowsExternalJoins: true)
        var bob = try #require(strict.groups[1])
        bob.configuration = strict.configuration
        let (_, strictCommit) = try MLSGroup.joinExternally(
            groupInfo: try bob.groupInfo(), leafTemplate: strict.keyPackage(0).leafNode, signer: strict.clients[0].signer, resyncing: 0,
            configuration: strict.configuration)
        #expect(throws: MLSGroupError.notAuthorized) { try bob.process(strictCommit) }
    }

    /// C1 by an insider: Bob (with the membership key) forges a Commit removing Alice.
    /// A broken path is caught by Alice's public checks. With a valid path but a wrong
    /// confirmation tag, which Alice cannot check, the removal is reported but unconfirmed:
    /// Alice keeps her epoch, and when Carol's genuine Commit wins it, Alice follows it.
    @Test func insiderForgedRemoval() throws {
        var world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let genuine = try bob.commit(CommitOptions(removing: [0]))
        bob.discardPendingCommit()
        let path = try #require(try commitContent(genuine.commit).path)
        let remove: [ProposalOrRef] = [.proposal(.remove(Remove(removed: 0)))]

        var broken = path
        broken.nodes[0].encryptionKey[0] ^= 1
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.self) { try alice.process(try GroupWorld.transmit(try bob.forgeCommit(remove, path: broken))) }
        #expect(alice.status == .active)

        let badTag = try GroupWorld.transmit(try bob.forgeCommit(remove, path: path, confirmationTag: Array(repeating: 9, count: 32)))
        guard case .commit(let summary) = try alice.process(badTag) else {
            Issue.record("not a commit")
            return
        }
        #expect(summary.removedUs)
        #expect(alice.status == .removalUnconfirmed)
        #expect(throws: MLSGroupError.groupInactive) { try alice.encrypt([1]) }
        var carol = try #require(world.groups[2])
        #expect(throws: MLSGroupError.badConfirmationTag) { try carol.process(badTag) }
        world.groups[0] = alice
        world.groups[1] = bob
        world.groups[2] = carol
        try world.commit(by: 2, CommitOptions())
        #expect(world.groups[0]?.status == .active)
        try world.expectInSync()
        try world.sendApplication(from: 0, "still in")
    }

    /// A genuine removal, once confirmed, leaves the group removed with its secrets erased.
    @Test func confirmedRemovalErases() throws {
        var world = try GroupValidationTests.world()
        var alice = try #require(world.groups[0])
        var bob = try #require(world.groups[1])
        let created = try bob.commit(CommitOptions(removing: [0]))
        try bob.mergePendingCommit()
        world.groups[1] = bob
        guard case .commit(let summary) = try alice.process(try GroupWorld.transmit(created.commit)) else {
            Issue.record("not a commit")
            return
        }
        #expect(summary.removedUs && alice.status == .removalUnconfirmed)
        let exporterBefore = try alice.export(label: "x", context: [], length: 16)
        try alice.confirmRemoval()
        #expect(alice.status == .removed)
        #expect(try alice.export(label: "x", context: [], length: 16) != exporterBefore)
        #expect(alice.resumptionPSKs.isEmpty && alice.epoch.privateState.pathKeys.isEmpty)
        #expect(throws: MLSGroupError.groupInactive) { try alice.process(try GroupWorld.transmit(created.commit)) }
        #expect(throws: MLSGroupError.noRemovalPending) { try alice.confirmRemoval() }
    }
}

/// Review C2: non-member proposals and external joins need the policy's authorization, and
/// the proposal cache is bounded.
@Suite struct GroupAuthorizationTests {
    static func selfAdd(_ world: GroupWorld, client: Int) throws -> MLSMessage {
        try outsiderMessage(
            .proposal(.add(Add(keyPackage: world.keyPackage(client)))), sender: .newMemberProposal, signer: world.clients[client].signer,
            groupContext: try #require(world.groups[0]).groupContext)
    }

    /// The relay (or anyone) posts a self-Add for its own client; the default policy refuses
    /// it, so no later Commit can carry it in. Before the fix it was cached and the next
    /// routine `commit()` added the ghost member.
    @Test func newMemberProposalRefusedByDefault() throws {
        var world = try GroupValidationTests.world()
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.notAuthorized) { try alice.process(try Self.selfAdd(world, client: 3)) }
        #expect(alice.pendingProposals.isEmpty)
        let created = try alice.commit()
        #expect(created.summary.added.isEmpty)
        // Allowed by the policy, it is cached and committed.
        world.policy.allowsNewMemberProposals = true
        var open = try #require(world.groups[1])
        open.configuration = world.configuration
        guard case .proposal = try open.process(try Self.selfAdd(world, client: 3)) else {
            Issue.record("not cached")
            return
        }
        #expect(try open.commit().summary.added.count == 1)
    }

    /// External joins are refused by default (§12.4.3.2 lets the application decide).
    @Test func externalJoinRefusedByDefault() throws {
        let world = try GroupValidationTests.world()
        var alice = try #require(world.groups[0])
        let (_, commit) = try MLSGroup.joinExternally(
            groupInfo: try alice.groupInfo(), leafTemplate: world.keyPackage(3).leafNode, signer: world.clients[3].signer,
            configuration: world.configuration)
        #expect(throws: MLSGroupError.notAuthorized) { try alice.process(commit) }
        #expect(alice.epochNumber == 1 && alice.status == .active)
    }

    /// §12.1.8: proposals from a sender listed in `external_senders` are authorized (unless the
    /// policy says otherwise); an index past the list is an unknown sender.
    @Test func externalSenders() throws {
        var world = try GroupValidationTests.world()
        let service = try TestMember(number: 9)
        let senders = [ExternalSender(signatureKey: service.signer.publicKey, credential: Credential(service.identity))]
        var list = WireWriter(reservingCapacity: 256)
        list.writeVector { w in for s in senders { w.write(s) } }
        let gce = Extension(extensionType: .externalSenders, extensionData: list.bytes)
        try world.commit(by: 0, CommitOptions(groupContextExtensions: [gce]))
        let context = try #require(world.groups[0]).groupContext
        let removeCarol = try outsiderMessage(.proposal(.remove(Remove(removed: 2))), sender: .external(senderIndex: 0), signer: service.signer, groupContext: context)
        var alice = try #require(world.groups[0])
        guard case .proposal = try alice.process(removeCarol) else {
            Issue.record("not cached")
            return
        }
        let unknown = try outsiderMessage(.proposal(.remove(Remove(removed: 2))), sender: .external(senderIndex: 1), signer: service.signer, groupContext: context)
        #expect(throws: MLSGroupError.unknownSender) { try alice.process(unknown) }
        var bob = try #require(world.groups[1])
        bob.configuration.policy = StandardGroupPolicy(allowsExternalSenderProposals: false)
        #expect(throws: MLSGroupError.notAuthorized) { try bob.process(removeCarol) }
    }

    /// M6: a GroupContextExtensions proposal whose `external_senders` does not decode is refused
    /// when committed, not only later on every external message.
    @Test func malformedExternalSendersRefused() throws {
        let world = try GroupValidationTests.world()
        var alice = try #require(world.groups[0])
        let bad = Extension(extensionType: .externalSenders, extensionData: [0x05, 1, 2])
        #expect(throws: MLSGroupError.externalSendersMalformed) { try alice.commit(CommitOptions(groupContextExtensions: [bad])) }
    }

    /// The cache holds at most `maximumCachedProposals` proposals per epoch.
    @Test func proposalCacheIsBounded() throws {
        var world = try GroupValidationTests.world()
        world.pskStore.add(id: [1], psk: Secret(bytes: Array(repeating: 1, count: 32)))
        let configuration = world.configuration
        for client in [0, 1] { world.groups[client]?.configuration = configuration }
        var alice = try #require(world.groups[0])
        alice.configuration.maximumCachedProposals = 2
        var bob = try #require(world.groups[1])
        for i in 0..<3 {
            let proposal = try GroupWorld.transmit(try bob.propose(.preSharedKey(PreSharedKey(psk: bob.externalPSKID([1])))))
            if i < 2 {
                _ = try alice.process(proposal)
            } else {
                #expect(throws: MLSGroupError.proposalCacheFull) { try alice.process(proposal) }
            }
        }
        #expect(alice.pendingProposals.count == 2)
    }
}

/// Review H2: the committer leaves out invalid or conflicting cached proposals, and says so.
@Suite struct GroupProposalSelectionTests {
    /// Bob and Alice both propose removing Carol: Alice's default Commit removes her once.
    /// Before the fix `commit()` threw `duplicateUpdateOrRemove` for every member.
    @Test func duplicateRemovesCommitOnce() throws {
        var world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let bobRemove = try GroupWorld.transmit(try bob.propose(.remove(Remove(removed: 2))))
        world.groups[1] = bob
        var alice = try #require(world.groups[0])
        let aliceRemove = try GroupWorld.transmit(try alice.propose(.remove(Remove(removed: 2))))
        _ = try alice.process(bobRemove)
        world.groups[0] = alice
        for client in [1, 2] {
            var group = try #require(world.groups[client])
            if client == 2 { _ = try group.process(bobRemove) }
            _ = try group.process(aliceRemove)
            world.groups[client] = group
        }
        let created = try world.commit(by: 0, CommitOptions())
        #expect(created.summary.removed.map(\.leafIndex) == [2])
        #expect(created.droppedProposals.map(\.reason) == [.duplicateUpdateOrRemove])
        try world.expectInSync()
    }

    /// Bob proposes removing Alice: Alice's default Commit leaves it out (she cannot remove
    /// herself) and still commits. Before the fix it threw `removesCommitter`.
    @Test func removeOfCommitterIsLeftOut() throws {
        var world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let proposal = try GroupWorld.transmit(try bob.propose(.remove(Remove(removed: 0))))
        world.groups[1] = bob
        for client in [0, 2] {
            var group = try #require(world.groups[client])
            _ = try group.process(proposal)
            world.groups[client] = group
        }
        let created = try world.commit(by: 0, CommitOptions())
        #expect(created.summary.removed.isEmpty)
        #expect(created.droppedProposals.map(\.reason) == [.removesCommitter])
        try world.expectInSync()
    }

    /// A ReInit next to another proposal is left out (§12.2: prefer the others).
    @Test func reInitYieldsToOtherProposals() throws {
        var world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let reInit = try GroupWorld.transmit(try bob.propose(.reInit(ReInit(groupID: [9], cipherSuite: world.suite, extensions: []))))
        world.groups[1] = bob
        for client in [0, 2] {
            var group = try #require(world.groups[client])
            _ = try group.process(reInit)
            world.groups[client] = group
        }
        let created = try world.commit(by: 0, CommitOptions(adding: [world.keyPackage(3)]), joiners: [3])
        #expect(created.summary.reInit == nil && created.summary.added.count == 1)
        #expect(created.droppedProposals.map(\.reason) == [.reInitNotAlone])
        try world.expectInSync()
    }

    /// An invalid proposal is refused at receipt, so it cannot block a Commit later.
    @Test func invalidProposalRefusedAtReceipt() throws {
        let world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        var keyPackage = world.keyPackage(3)
        keyPackage.signature[0] ^= 1
        // Bob's own side refuses to send it...
        #expect(throws: MLSGroupError.invalidKeyPackage(.badSignature)) { try bob.propose(.add(Add(keyPackage: keyPackage))) }
        // ...and a receiver refuses it if a member sends it anyway.
        let content = FramedContent(
            groupID: bob.groupID, epoch: bob.epochNumber, sender: .member(leafIndex: 1), authenticatedData: [], body: .proposal(.add(Add(keyPackage: keyPackage))))
        let (tbs, signature) = try bob.sign(content, wireFormat: .publicMessage, in: bob.epoch)
        let message = try GroupWorld.transmit(
            try bob.seal(content, tbs: tbs, auth: FramedContentAuthData(signature: signature, confirmationTag: nil), wireFormat: .publicMessage))
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.invalidKeyPackage(.badSignature)) { try alice.process(message) }
        #expect(alice.pendingProposals.isEmpty)
        _ = try alice.commit()
    }
}

/// Review M1, M2, M3, M4, L3, L7.
@Suite struct GroupRuleTests {
    /// M1: a group at epoch 2^64 - 2 commits into the last epoch; the Welcome into that epoch
    /// is refused, and the group itself refuses to commit again, with typed errors (before the
    /// fix: a join that succeeded, then a trap on the next Commit).
    @Test func epochCounterEnds() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient()
        var alice = try #require(world.groups[0])
        alice.epoch.groupContext.epoch = UInt64.max - 1
        let created = try alice.commit(CommitOptions(adding: [world.keyPackage(bob)]))
        try alice.mergePendingCommit()
        #expect(alice.epochNumber == UInt64.max)
        guard case .welcome(let welcome) = try #require(created.welcome).body else {
            Issue.record("no welcome")
            return
        }
        #expect(throws: MLSGroupError.epochExhausted) {
            try MLSGroup(joining: welcome, keyPackage: world.keyPackage(bob), privateKeys: world.keys(bob), configuration: world.configuration)
        }
        #expect(throws: MLSGroupError.epochExhausted) { try alice.selfUpdate() }
        world.policy.allowsExternalJoins = true
        #expect(throws: MLSGroupError.epochExhausted) {
            try MLSGroup.joinExternally(
                groupInfo: try alice.groupInfo(), leafTemplate: world.keyPackage(bob).leafNode, signer: world.clients[bob].signer,
                configuration: world.configuration)
        }
    }

    /// M4: no application data while a proposal is pending; after the Commit, it flows again.
    @Test func commitRequiredBeforeApplicationData() throws {
        var world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let proposal = try GroupWorld.transmit(try bob.propose(.remove(Remove(removed: 2))))
        #expect(throws: MLSGroupError.commitRequired) { try bob.encrypt([1]) }
        world.groups[1] = bob
        var alice = try #require(world.groups[0])
        _ = try alice.process(proposal)
        #expect(throws: MLSGroupError.commitRequired) { try alice.encrypt(Array("for carol too".utf8)) }
        var carol = try #require(world.groups[2])
        _ = try carol.process(proposal)
        world.groups[0] = alice
        world.groups[2] = carol
        try world.commit(by: 0, CommitOptions())
        try world.sendApplication(from: 0, "carol is gone")
    }

    /// M2: with a non-default GroupContext extension 0xFF00 that every member supports, an Add
    /// whose KeyPackage does not list it is refused (§13.4), and so is a Welcome-joined tree
    /// in which a leaf does not support it.
    @Test func groupContextExtensionsNeedSupport() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        let custom = ExtensionType(rawValue: 0xFF00)
        // Alice supports 0xFF00 and creates the group with it.
        let alice = try world.newClient()
        let member = world.clients[alice]
        var leaf = world.keyPackage(alice).leafNode
        leaf.capabilities = Capabilities(cipherSuites: [world.suite], extensions: [custom])
        leaf.signature = try member.crypto.signWithLabel(privateKey: member.signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: [], leafIndex: 0))
        var group = try MLSGroup(
            creating: Array("gce".utf8), cipherSuite: world.suite, leafNode: leaf, encryptionKey: member.encryptionKey, signer: member.signer,
            extensions: [Extension(extensionType: custom, extensionData: [])], configuration: world.configuration)
        let bob = try world.newClient()
        #expect(throws: MLSGroupError.invalidKeyPackage(.leafNode(.groupContextExtensionNotSupported))) {
            try group.commit(CommitOptions(adding: [world.keyPackage(bob)]))
        }
    }

    /// M3: a Welcome that names a `reinit` PSK is refused as unsupported, even when the PSK
    /// store answers for it.
    @Test func reInitWelcomeRefused() throws {
        struct AnyResumption: PSKStore {
            func externalPSK(id pskID: [UInt8]) -> Secret? { nil }
            func resumptionPSK(groupID: [UInt8], epoch: UInt64) -> Secret? { Secret(bytes: Array(repeating: 3, count: 32)) }
        }
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient()
        var alice = try #require(world.groups[0])
        alice.configuration.pskStore = AnyResumption()
        let reinitPSK = PreSharedKeyID(kind: .resumption(usage: .reinit, groupID: [7], epoch: 4), nonce: Array(repeating: 1, count: 32))
        // The committer side refuses a reinit PSK by value; build the Welcome by hand.
        #expect(throws: MLSGroupError.pskUsageNotAllowed) { try alice.commit(CommitOptions(adding: [world.keyPackage(bob)], psks: [reinitPSK])) }
        let created = try alice.commit(CommitOptions(adding: [world.keyPackage(bob)]))
        guard case .welcome(var welcome) = try #require(created.welcome).body else {
            Issue.record("no welcome")
            return
        }
        let crypto = try world.suite.crypto()
        let keyPackage = try world.keyPackage(bob).validate(validator: world.configuration.leafValidator(crypto), requirements: .none)
        let secrets = try welcome.decryptGroupSecrets(keyPackageRef: keyPackage.reference, initKey: world.clients[bob].initKey, crypto: crypto)
        let withPSK = GroupSecrets(joinerSecret: secrets.joinerSecret, pathSecret: secrets.pathSecret, psks: [reinitPSK])
        let sealed = try crypto.encryptWithLabel(
            publicKey: keyPackage.initKey, label: "Welcome", context: welcome.encryptedGroupInfo, plaintext: withPSK.wireBytes)
        welcome.secrets = [EncryptedGroupSecrets(newMember: keyPackage.reference, encryptedGroupSecrets: HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))]
        var configuration = world.configuration
        configuration.pskStore = AnyResumption()
        #expect(throws: MLSGroupError.reInitOrBranchNotSupported) {
            try MLSGroup(joining: welcome, keyPackage: world.keyPackage(bob), privateKeys: world.keys(bob), configuration: configuration)
        }
    }

    /// L3: Adds together with this group's own resumption PSK are refused by the committer
    /// (the joiners could not use the Welcome).
    @Test func ownResumptionPSKWithAddsRefused() throws {
        var world = GroupWorld(suite: .mls128DHKEMX25519AES128GCMSHA256Ed25519)
        try world.create()
        let bob = try world.newClient()
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.resumptionPSKWithAdds) {
            try alice.commit(CommitOptions(adding: [world.keyPackage(bob)], psks: [alice.resumptionPSKID(epoch: 0)]))
        }
        _ = try alice.commit(CommitOptions(psks: [alice.resumptionPSKID(epoch: 0)]))
    }

    /// L7: a malformed `required_capabilities` is reported as such, not as `external_senders`.
    @Test func malformedRequiredCapabilities() throws {
        let world = try GroupValidationTests.world()
        var alice = try #require(world.groups[0])
        let bad = Extension(extensionType: .requiredCapabilities, extensionData: [0x01])
        #expect(throws: MLSGroupError.malformedGroupContextExtension) { try alice.commit(CommitOptions(groupContextExtensions: [bad])) }
    }

    /// M6: the Authentication Service sees an Update's or path leaf's credential as a successor
    /// of the old one; the default refuses a changed identity.
    @Test func pathLeafCannotRename() throws {
        var world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let created = try bob.commit(CommitOptions())
        bob.discardPendingCommit()
        var path = try #require(try commitContent(created.commit).path)
        // Bob's path leaf renamed to Carol's identity, re-signed with Bob's key.
        path.leafNode.credential = Credential(world.clients[2].identity)
        path.leafNode.signature = try bob.crypto.signWithLabel(
            privateKey: world.clients[1].signer, label: "LeafNodeTBS", content: path.leafNode.toBeSigned(groupID: bob.groupID, leafIndex: 1))
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.invalidLeafNode(.credentialRejected(CredentialValidationError(reason: "credential is not a valid successor")))) {
            try alice.process(try GroupWorld.transmit(try bob.forgeCommit([], path: path)))
        }
        world.groups[1] = bob
    }
}

/// Review L4: an UpdatePath may not reuse keys of the tree it is merged into, the committer's
/// old direct path included. Merging Bob's path a second time re-sends exactly his current
/// keys: before the fix that passed (only the tree after blanking his path was searched).
@Suite struct UpdatePathKeyReuseTests {
    @Test func oldDirectPathKeysRefused() throws {
        var world = try GroupValidationTests.world()
        let created = try world.commit(by: 1, CommitOptions())
        let path = try #require(try commitContent(created.commit).path)
        var tree = try #require(world.groups[0]).ratchetTree
        var before = tree
        #expect(throws: TreeKEMError.keyAlreadyInTree) { try tree.mergeUpdatePath(path, from: 1) }
        #expect(tree.treeHash() == before.treeHash())
    }
}

/// Review M7: the Welcome checks of §12.4.3.1 that had no test, each provoked alone. The
/// Welcome is re-wrapped after changing its GroupInfo or GroupSecrets (re-signed by the
/// inviter where the change is not about the signature).
@Suite struct WelcomeNegativeTests {
    struct Invitation {
        var world: GroupWorld
        var welcome: Welcome
        var crypto: CryptoSuite
        var alice: MLSGroup
    }

    /// Alice, Bob, Carol; Alice adds Dave (3) with a path, merges, and holds the Welcome.
    static func invitation() throws -> Invitation {
        var world = try GroupValidationTests.world()
        var alice = try #require(world.groups[0])
        _ = try alice.commit(CommitOptions(adding: [world.keyPackage(3)]))
        let summary = try alice.mergePendingCommit()
        world.groups[0] = alice
        guard case .welcome(let welcome) = try #require(summary.welcome).body else { throw MLSGroupError.unexpectedWireFormat }
        return Invitation(world: world, welcome: welcome, crypto: try world.suite.crypto(), alice: alice)
    }

    /// The Welcome with its GroupInfo and GroupSecrets changed, for `target`'s KeyPackage.
    static func rewrapped(
        _ invitation: Invitation, for target: KeyPackageIn? = nil, resign: Bool = true, info change: (inout GroupInfo) -> Void = { _ in },
        secrets changeSecrets: (inout GroupSecrets) -> Void = { _ in }
    ) throws -> Welcome {
        let crypto = invitation.crypto, world = invitation.world
        let validator = world.configuration.leafValidator(crypto)
        let original = try world.keyPackage(3).validate(validator: validator, requirements: .none)
        let destination = try (target ?? world.keyPackage(3)).validate(validator: validator, requirements: .none)
        var secrets = try invitation.welcome.decryptGroupSecrets(keyPackageRef: original.reference, initKey: world.clients[3].initKey, crypto: crypto)
        var info = try invitation.welcome.decryptGroupInfo(joinerSecret: secrets.joinerSecret, pskSecret: nil, crypto: crypto)
        change(&info)
        if resign { info.signature = try crypto.signWithLabel(privateKey: world.clients[0].signer, label: "GroupInfoTBS", content: info.toBeSigned) }
        changeSecrets(&secrets)
        let memberSecret = crypto.extract(salt: secrets.joinerSecret, ikm: Secret(zeros: crypto.hashLength))
        let (key, nonce) = try KeySchedule.welcomeKeyAndNonce(crypto: crypto, welcomeSecret: try crypto.deriveSecret(secret: memberSecret, label: "welcome"))
        let encryptedInfo = try crypto.seal(key: key, nonce: nonce.exportedBytes, aad: [], plaintext: info.wireBytes)
        let sealed = try crypto.encryptWithLabel(publicKey: destination.initKey, label: "Welcome", context: encryptedInfo, plaintext: secrets.wireBytes)
        return Welcome(
            cipherSuite: crypto.cipherSuite,
            secrets: [EncryptedGroupSecrets(newMember: destination.reference, encryptedGroupSecrets: HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))],
            encryptedGroupInfo: encryptedInfo)
    }

    static func join(_ welcome: Welcome, _ invitation: Invitation, keyPackage: KeyPackageIn? = nil) throws -> MLSGroup {
        let world = invitation.world
        return try MLSGroup(joining: welcome, keyPackage: keyPackage ?? world.keyPackage(3), privateKeys: world.keys(3), configuration: world.configuration)
    }

    @Test func unchangedRewrapJoins() throws {
        let invitation = try Self.invitation()
        let joined = try Self.join(try Self.rewrapped(invitation), invitation)
        #expect(joined.epochAuthenticator == invitation.alice.epochAuthenticator)
    }

    @Test func signerBlank() throws {
        let invitation = try Self.invitation()
        #expect(throws: MLSGroupError.groupInfoSignerBlank) { try Self.join(try Self.rewrapped(invitation, info: { $0.signer = 99 }), invitation) }
    }

    @Test func badGroupInfoSignature() throws {
        let invitation = try Self.invitation()
        #expect(throws: MLSGroupError.badGroupInfoSignature) {
            try Self.join(try Self.rewrapped(invitation, resign: false, info: { $0.signature[0] ^= 1 }), invitation)
        }
    }

    @Test func badConfirmationTag() throws {
        let invitation = try Self.invitation()
        #expect(throws: MLSGroupError.welcome(.badConfirmationTag)) {
            try Self.join(try Self.rewrapped(invitation, info: { $0.confirmationTag[0] ^= 1 }), invitation)
        }
    }

    @Test func pathSecretMismatch() throws {
        let invitation = try Self.invitation()
        #expect(throws: MLSGroupError.pathSecretMismatch) {
            try Self.join(try Self.rewrapped(invitation, secrets: { $0.pathSecret = Secret(bytes: Array(repeating: 0x33, count: 32)) }), invitation)
        }
    }

    @Test func pskNonceLength() throws {
        let invitation = try Self.invitation()
        let psk = PreSharedKeyID(kind: .external(pskID: [1]), nonce: Array(repeating: 1, count: 16))
        #expect(throws: MLSGroupError.pskNonceLength) { try Self.join(try Self.rewrapped(invitation, secrets: { $0.psks = [psk] }), invitation) }
    }

    @Test func multipleReInitOrBranchPSKs() throws {
        let invitation = try Self.invitation()
        let psks = [UInt64(1), 2].map { PreSharedKeyID(kind: .resumption(usage: .branch, groupID: [7], epoch: $0), nonce: Array(repeating: 1, count: 32)) }
        #expect(throws: MLSGroupError.multipleReInitOrBranchPSKs) { try Self.join(try Self.rewrapped(invitation, secrets: { $0.psks = psks }), invitation) }
    }

    @Test func cipherSuiteMismatch() throws {
        let invitation = try Self.invitation()
        var welcome = try Self.rewrapped(invitation)
        welcome.cipherSuite = CipherSuite(rawValue: 3)
        #expect(throws: MLSGroupError.welcome(.cipherSuiteMismatch)) { try Self.join(welcome, invitation) }
    }

    /// The GroupSecrets are for another KeyPackage of Dave's whose leaf is not in the tree.
    @Test func ourLeafNotFound() throws {
        let invitation = try Self.invitation()
        let other = try invitation.world.clients[3].keyPackage(notBefore: 1_001, notAfter: 2_000)
        #expect(throws: MLSGroupError.ourLeafNotFound) { try Self.join(try Self.rewrapped(invitation, for: other), invitation, keyPackage: other) }
    }
}

/// Review M7: rules that had no negative test, and a committed ReInit.
@Suite struct GroupMoreRuleTests {
    @Test func requiredCapabilitiesNotMet() throws {
        try GroupValidationTests.expectRejected(.requiredCapabilitiesNotMet) { _ in
            let required = RequiredCapabilities(extensionTypes: [ExtensionType(rawValue: 0xFF00)])
            return [.proposal(.groupContextExtensions(GroupContextExtensions(extensions: [Extension(extensionType: .requiredCapabilities, extensionData: required.wireBytes)])))]
        }
    }

    /// A path leaf with source `update` (re-signed by its owner) is refused as the wrong source.
    @Test func pathLeafWrongSource() throws {
        let world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let created = try bob.commit(CommitOptions())
        bob.discardPendingCommit()
        var path = try #require(try commitContent(created.commit).path)
        path.leafNode.source = .update
        path.leafNode.signature = try bob.crypto.signWithLabel(
            privateKey: world.clients[1].signer, label: "LeafNodeTBS", content: path.leafNode.toBeSigned(groupID: bob.groupID, leafIndex: 1))
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.invalidLeafNode(.wrongSource)) { try alice.process(try GroupWorld.transmit(try bob.forgeCommit([], path: path))) }
    }

    /// A committed ReInit (proposed, then covered by reference) leaves every member
    /// `.reinitialized`, after which the group sends nothing.
    @Test func committedReInit() throws {
        var world = try GroupValidationTests.world()
        var alice = try #require(world.groups[0])
        let reInit = ReInit(groupID: Array("next".utf8), cipherSuite: world.suite, extensions: [])
        let proposal = try GroupWorld.transmit(try alice.propose(.reInit(reInit)))
        world.groups[0] = alice
        for client in [1, 2] {
            var group = try #require(world.groups[client])
            _ = try group.process(proposal)
            world.groups[client] = group
        }
        let created = try world.commit(by: 0, CommitOptions())
        #expect(created.summary.reInit == reInit)
        for client in [0, 1, 2] {
            var group = try #require(world.groups[client])
            #expect(group.status == .reinitialized(reInit))
            #expect(throws: MLSGroupError.groupInactive) { try group.encrypt([1]) }
        }
    }
}

/// Review M7: the external-Commit variants, a tampered membership tag, and a received Update.
@Suite struct GroupReceivedMessageTests {
    /// External Commits with two Removes, an Update, a GCE or a ReInit are refused (§12.2).
    @Test func externalCommitVariants() throws {
        var world = try GroupValidationTests.world()
        world.policy = StandardGroupPolicy.permissive
        var alice = try #require(world.groups[0])
        alice.configuration = world.configuration
        let info = try alice.groupInfo()
        let (_, commit) = try MLSGroup.joinExternally(
            groupInfo: info, leafTemplate: world.keyPackage(3).leafNode, signer: world.clients[3].signer, configuration: world.configuration)
        let original = try commitContent(commit)
        let externalInit = original.proposals[0]
        let update = Proposal.update(Update(leafNode: try world.clients[3].leafNode(source: .update, groupID: alice.groupID, leafIndex: 3)))
        let variants: [[ProposalOrRef]] = [
            [externalInit, .proposal(.remove(Remove(removed: 1))), .proposal(.remove(Remove(removed: 2)))],
            [externalInit, .proposal(update)],
            [externalInit, .proposal(.groupContextExtensions(GroupContextExtensions(extensions: [])))],
            [externalInit, .proposal(.reInit(ReInit(groupID: [9], cipherSuite: world.suite, extensions: [])))],
        ]
        for proposals in variants {
            let message = try outsiderMessage(
                .commit(Commit(proposals: proposals, path: original.path)), sender: .newMemberCommit, signer: world.clients[3].signer,
                groupContext: info.groupContext, confirmationTag: Array(repeating: 1, count: 32))
            #expect(throws: MLSGroupError.invalidExternalCommit) { try alice.process(message) }
        }
        #expect(alice.epochNumber == 1 && alice.status == .active)
    }

    /// A member's PublicMessage whose membership tag was altered is refused by the framing.
    @Test func tamperedMembershipTag() throws {
        let world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        let created = try bob.commit(CommitOptions())
        guard case .publicMessage(var message) = created.commit.body else {
            Issue.record("not public")
            return
        }
        message.membershipTag?[0] ^= 1
        var alice = try #require(world.groups[0])
        #expect(throws: MLSGroupError.protection(.invalidMembershipTag)) { try alice.process(MLSMessage(.publicMessage(message))) }
    }

    /// Bob's Update proposal (built by hand: `propose` does not send Updates) is checked when it
    /// arrives: an unchanged encryption key is refused; a fresh one is cached and Alice's
    /// Commit applies it for Carol too.
    @Test func receivedUpdateProposal() throws {
        var world = try GroupValidationTests.world()
        var bob = try #require(world.groups[1])
        func updateMessage(encryptionKey: [UInt8]) throws -> MLSMessage {
            let leaf = try world.clients[1].leafNode(source: .update, groupID: bob.groupID, leafIndex: 1, encryptionKey: encryptionKey)
            let content = FramedContent(
                groupID: bob.groupID, epoch: bob.epochNumber, sender: .member(leafIndex: 1), authenticatedData: [], body: .proposal(.update(Update(leafNode: leaf))))
            let (tbs, signature) = try bob.sign(content, wireFormat: .publicMessage, in: bob.epoch)
            return try GroupWorld.transmit(
                try bob.seal(content, tbs: tbs, auth: FramedContentAuthData(signature: signature, confirmationTag: nil), wireFormat: .publicMessage))
        }
        var alice = try #require(world.groups[0])
        let current = try #require(alice.ratchetTree.leaf(at: 1)).encryptionKey
        #expect(throws: MLSGroupError.invalidLeafNode(.encryptionKeyUnchanged)) { try alice.process(try updateMessage(encryptionKey: current)) }
        let fresh = try HPKEPrivateKey.generate(kem: bob.crypto.kem)
        let proposal = try updateMessage(encryptionKey: fresh.publicKey)
        guard case .proposal = try alice.process(proposal) else {
            Issue.record("not cached")
            return
        }
        var carol = try #require(world.groups[2])
        _ = try carol.process(proposal)
        let created = try alice.commit()
        try alice.mergePendingCommit()
        guard case .commit(let summary) = try carol.process(try GroupWorld.transmit(created.commit)) else {
            Issue.record("not a commit")
            return
        }
        #expect(summary.updated == [1])
        #expect(carol.epochAuthenticator == alice.epochAuthenticator)
        #expect(carol.ratchetTree.leaf(at: 1)?.encryptionKey == fresh.publicKey)
        world.groups[1] = bob
    }
}

/// Review M7: §7.3 key uniqueness after the proposals are applied.
@Suite struct GroupKeyUniquenessTests {
    /// Dave's KeyPackage (validly signed by Dave) carries Carol's leaf encryption key: a Commit
    /// adding it is refused with `duplicateEncryptionKey`.
    @Test func addWithAnotherMembersEncryptionKey() throws {
        try GroupValidationTests.expectRejected(.duplicateEncryptionKey) { world in
            let carolKey = try #require(world.groups[0]?.ratchetTree.leaf(at: 2)).encryptionKey
            let dave = world.clients[3]
            var keyPackage = KeyPackageIn(
                cipherSuite: world.suite, initKey: dave.initKey.publicKey,
                leafNode: try dave.leafNode(source: .keyPackage(Lifetime(notBefore: 1_000, notAfter: 2_000)), encryptionKey: carolKey),
                extensions: [], signature: [])
            keyPackage.signature = try dave.crypto.signWithLabel(privateKey: dave.signer, label: "KeyPackageTBS", content: keyPackage.toBeSigned)
            return [.proposal(.add(Add(keyPackage: keyPackage)))]
        }
    }
}
