import Crypto
import MLS
import Testing
import WireFormat

/// Joining a group whose tree is large enough for the parallel leaf checks (RFC 9420
/// §12.4.3.1): an invalid leaf anywhere, the last one included, still fails the join with the
/// error of the lowest-index invalid leaf, and a whole-tree failure still comes first.
@Suite struct LargeJoinTests {
    static let suite = CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519
    /// Members besides the creator: 201 leaves, four chunks of the parallel check.
    static let added = 200

    struct Invitation {
        var world: GroupWorld
        var welcome: Welcome
        var tree: RatchetTreeIn
        /// The client joining: the first one added (leaf 1).
        var joiner: Int
    }

    /// Alice (client 0) adds `added` clients in one Commit without a path (tree out of band) and
    /// merges it. Every parent stays blank, so no parent hash covers the leaves and a forged
    /// leaf reaches the leaf checks (with a path, the parent-hash check would catch it first).
    static func invitation() throws -> Invitation {
        var world = GroupWorld(suite: suite)
        try world.create()
        let clients = try (0..<added).map { _ in try world.newClient() }
        var alice = try #require(world.groups[0])
        _ = try alice.commit(CommitOptions(adding: clients.map { world.keyPackage($0) }, includePath: false, ratchetTreeInWelcome: false))
        let summary = try alice.mergePendingCommit()
        guard case .welcome(let welcome) = try #require(summary.welcome).body else { throw MLSGroupError.unexpectedWireFormat }
        return Invitation(world: world, welcome: welcome, tree: alice.ratchetTree.wireValue, joiner: clients[0])
    }

    /// The invitation's Welcome for the joiner, its GroupInfo committing to `tree` (the
    /// GroupContext's tree hash replaced by `treeHash`, or `tree`'s own) and re-signed by Alice:
    /// what a malicious inviter could send.
    static func rewrapped(_ invitation: Invitation, tree: RatchetTreeIn, treeHash: [UInt8]? = nil) throws -> Welcome {
        let world = invitation.world
        let crypto = try suite.crypto()
        let keyPackage = world.keyPackage(invitation.joiner)
        let reference = crypto.makeKeyPackageRef(keyPackage.wireBytes)
        let secrets = try invitation.welcome.decryptGroupSecrets(
            keyPackageRef: reference, initKey: world.clients[invitation.joiner].initKey, crypto: crypto)
        var info = try invitation.welcome.decryptGroupInfo(joinerSecret: secrets.joinerSecret, pskSecret: nil, crypto: crypto)
        var hashed = RatchetTree(trusting: tree, crypto: crypto)
        info.groupContext.treeHash = treeHash ?? hashed.treeHash()
        info.signature = try crypto.signWithLabel(privateKey: world.clients[0].signer, label: "GroupInfoTBS", content: info.toBeSigned)
        let memberSecret = crypto.extract(salt: secrets.joinerSecret, ikm: Secret(zeros: crypto.hashLength))
        let (key, nonce) = try KeySchedule.welcomeKeyAndNonce(crypto: crypto, welcomeSecret: try crypto.deriveSecret(secret: memberSecret, label: "welcome"))
        let encryptedInfo = try crypto.seal(key: key, nonce: nonce.exportedBytes, aad: [], plaintext: info.wireBytes)
        let sealed = try crypto.encryptWithLabel(publicKey: keyPackage.initKey, label: "Welcome", context: encryptedInfo, plaintext: secrets.wireBytes)
        return Welcome(
            cipherSuite: crypto.cipherSuite,
            secrets: [EncryptedGroupSecrets(newMember: reference, encryptedGroupSecrets: HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))],
            encryptedGroupInfo: encryptedInfo)
    }

    static func join(_ welcome: Welcome, tree: RatchetTreeIn, _ invitation: Invitation) throws -> MLSGroup {
        let world = invitation.world
        return try MLSGroup(
            joining: welcome, keyPackage: world.keyPackage(invitation.joiner), privateKeys: world.keys(invitation.joiner), ratchetTree: tree,
            configuration: world.configuration)
    }

    /// `tree` with the leaf at `leafIndex` changed by `change`.
    static func forging(_ tree: RatchetTreeIn, leaf leafIndex: Int, _ change: (inout LeafNode) -> Void) throws -> RatchetTreeIn {
        var nodes = tree.nodes
        guard case .leaf(var leaf) = nodes[2 * leafIndex] else { throw MLSGroupError.unexpectedWireFormat }
        change(&leaf)
        nodes[2 * leafIndex] = .leaf(leaf)
        return try #require(RatchetTreeIn(nodes: nodes))
    }

    @Test func honestRewrapJoins() throws {
        let invitation = try Self.invitation()
        let joined = try Self.join(try Self.rewrapped(invitation, tree: invitation.tree), tree: invitation.tree, invitation)
        #expect(joined.members.count == Self.added + 1)
        #expect(joined.ownLeafIndex == 1)
    }

    @Test func badSignatureOnTheLastLeafFailsTheJoin() throws {
        let invitation = try Self.invitation()
        let forged = try Self.forging(invitation.tree, leaf: Self.added) { $0.signature[5] ^= 0x01 }
        #expect(throws: MLSGroupError.tree(.invalidLeaf(.badSignature))) {
            try Self.join(try Self.rewrapped(invitation, tree: forged), tree: forged, invitation)
        }
    }

    /// Two invalid leaves with different errors, in either order: the lower index decides.
    @Test(arguments: [(70, 190), (190, 70)])
    func lowestInvalidLeafDecides(badSignatureLeaf: Int, foreignExtensionLeaf: Int) throws {
        let invitation = try Self.invitation()
        var forged = try Self.forging(invitation.tree, leaf: badSignatureLeaf) { $0.signature[0] ^= 0x80 }
        // An extension the leaf's capabilities do not list: refused before its signature is checked.
        forged = try Self.forging(forged, leaf: foreignExtensionLeaf) { $0.extensions.append(Extension(extensionType: ExtensionType(rawValue: 0xF0F0), extensionData: [])) }
        let expected: LeafNodeValidationError = badSignatureLeaf < foreignExtensionLeaf ? .badSignature : .extensionNotInCapabilities
        #expect(throws: MLSGroupError.tree(.invalidLeaf(expected))) {
            try Self.join(try Self.rewrapped(invitation, tree: forged), tree: forged, invitation)
        }
    }

    /// A whole-tree failure is reported before any leaf's, however early the invalid leaf.
    @Test func treeHashMismatchComesBeforeLeafErrors() throws {
        let invitation = try Self.invitation()
        let forged = try Self.forging(invitation.tree, leaf: 2) { $0.signature[0] ^= 0x80 }
        #expect(throws: MLSGroupError.tree(.treeHashMismatch)) {
            try Self.join(try Self.rewrapped(invitation, tree: forged, treeHash: Array(repeating: 7, count: 32)), tree: forged, invitation)
        }
        // Two leaves sharing an encryption key (the later one re-signed is not needed: the
        // uniqueness check runs on the whole tree first).
        guard case .leaf(let first) = invitation.tree.nodes[2 * 3] else { throw MLSGroupError.unexpectedWireFormat }
        let duplicated = try Self.forging(forged, leaf: Self.added) { $0.encryptionKey = first.encryptionKey }
        #expect(throws: MLSGroupError.tree(.duplicateEncryptionKey)) {
            try Self.join(try Self.rewrapped(invitation, tree: duplicated), tree: duplicated, invitation)
        }
    }
}
