import Crypto
import MLS
import Testing
import WireFormat

/// The ratchet tree and TreeKEM on groups built in code: adds, removes, UpdatePaths created by
/// one member and processed by every other, and validation rejecting tampered trees.
@Suite struct RatchetTreeTests {
    static let groupID: [UInt8] = Array("letterlock-test-group".utf8)

    /// A group of `count` members: member 0 created it and added the others, as one Commit
    /// without a path would.
    static func group(_ count: Int, suite: CipherSuite = .mls128DHKEMX25519AES128GCMSHA256Ed25519) throws -> (RatchetTree, [TestMember]) {
        let members = try (0..<count).map { try TestMember(suite: suite, number: UInt8($0)) }
        var tree = RatchetTree(crypto: members[0].crypto, creator: try members[0].leafNode())
        let indices = tree.add(try members.dropFirst().map { try $0.leafNode() })
        #expect(indices == (1..<UInt32(count)).map { $0 })
        return (tree, members)
    }

    static func context(_ treeHash: [UInt8]) -> [UInt8] {
        var writer = WireWriter()
        writer.writeOpaque(groupID)
        writer.writeOpaque(treeHash)
        return writer.bytes
    }

    /// Member `sender` commits with a path; returns the new tree, the result and the other members' states.
    static func commit(_ tree: inout RatchetTree, sender: UInt32, members: [TestMember], excluding: Set<UInt32> = []) throws -> CreatedUpdatePath {
        let member = members[Int(sender)]
        return try tree.createUpdatePath(
            from: sender,
            leafSecret: Secret(SymmetricKey(size: .bits256)),
            excludingLeaves: excluding,
            signLeaf: { (parentHash, key) throws(MLSCryptoError) -> LeafNode in
                do {
                    return try member.leafNode(source: .commit(parentHash: parentHash), groupID: groupID, leafIndex: sender, encryptionKey: key)
                } catch let error as MLSCryptoError {
                    throw error
                } catch {
                    throw .invalidArgument("signing")
                }
            },
            groupContext: context
        )
    }

    static func validator(_ crypto: CryptoSuite) -> LeafNodeValidator {
        LeafNodeValidator(crypto: crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .ignore)
    }

    @Test(arguments: [CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519, .mls128DHKEMP256AES128GCMSHA256P256, .letterlockDefault])
    func everyMemberDerivesTheCommitSecret(suite: CipherSuite) throws {
        var (tree, members) = try Self.group(5, suite: suite)
        #expect(tree.leafCount == 8)
        let before = tree
        let created = try Self.commit(&tree, sender: 2, members: members)
        // The creator's tree is valid as a joiner would check it.
        var check = tree
        _ = try RatchetTree(
            validating: tree.wireValue, crypto: tree.crypto, groupID: Self.groupID, expectedTreeHash: check.treeHash(),
            groupContextExtensions: [], leafValidator: Self.validator(tree.crypto))
        #expect(created.privateState.isConsistent(with: tree))

        for j in [0, 1, 3, 4] as [UInt32] {
            var receiver = before
            try receiver.mergeUpdatePath(created.updatePath, from: 2)
            #expect(receiver == tree)
            let state = TreeKEMPrivateState(leafIndex: j, leafKey: members[Int(j)].encryptionKey)
            let decrypted = try receiver.decryptPathSecret(of: created.updatePath, from: 2, privateState: state, groupContext: Self.context(receiver.treeHash()))
            #expect(decrypted.commitSecret == created.commitSecret)
            #expect(decrypted.privateState.isConsistent(with: receiver))
        }
    }

    @Test func membersAddedInTheSameCommitAreExcluded() throws {
        var (tree, members) = try Self.group(3)
        let newcomer = try TestMember(number: 9)
        let newIndex = tree.add(try newcomer.leafNode())
        let before = tree
        let created = try Self.commit(&tree, sender: 0, members: members, excluding: [newIndex])
        var receiver = before
        try receiver.mergeUpdatePath(created.updatePath, from: 0, excludingLeaves: [newIndex])
        let state = TreeKEMPrivateState(leafIndex: 2, leafKey: members[2].encryptionKey)
        let decrypted = try receiver.decryptPathSecret(
            of: created.updatePath, from: 0, privateState: state, groupContext: Self.context(receiver.treeHash()), excludingLeaves: [newIndex])
        #expect(decrypted.commitSecret == created.commitSecret)
        // Without the exclusion the receiver sees a ciphertext count mismatch.
        var strict = before
        #expect(throws: TreeKEMError.ciphertextCount) { try strict.mergeUpdatePath(created.updatePath, from: 0) }
    }

    @Test func tamperedPathsAreRejected() throws {
        var (tree, members) = try Self.group(4)
        let before = tree
        let created = try Self.commit(&tree, sender: 1, members: members)
        var path = created.updatePath
        path.nodes[0].encryptionKey = try HPKEPrivateKey.generate(kem: tree.crypto.kem).publicKey
        var receiver = before
        #expect(throws: TreeKEMError.parentHashMismatch) { try receiver.mergeUpdatePath(path, from: 1) }
        #expect(receiver == before)  // unchanged on error
        path = created.updatePath
        path.nodes.removeLast()
        #expect(throws: TreeKEMError.pathLength) { try receiver.mergeUpdatePath(path, from: 1) }
        path = created.updatePath
        path.leafNode.source = .update
        #expect(throws: TreeKEMError.leafSourceNotCommit) { try receiver.mergeUpdatePath(path, from: 1) }
    }

    @Test func removeBlanksThePathAndTruncates() throws {
        var (tree, members) = try Self.group(5)
        _ = try Self.commit(&tree, sender: 0, members: members)
        #expect(tree.leafCount == 8)
        try tree.remove(leafAt: 2)
        #expect(tree.leafCount == 8)
        #expect(tree.node(at: 3) == nil && tree.node(at: 7) == nil)  // direct path of leaf 2 blanked
        try tree.remove(leafAt: 4)
        #expect(tree.leafCount == 4)  // right half empty: truncated
        #expect(tree.occupiedLeaves == [0, 1, 3])
        #expect(throws: TreeError.blankLeaf) { try tree.remove(leafAt: 2) }
        // The next Add fills the leftmost blank leaf and is unmerged at non-blank parents above it.
        #expect(tree.add(try TestMember(number: 7).leafNode()) == 2)
    }

    @Test func tamperedTreesFailValidation() throws {
        var (tree, members) = try Self.group(4)
        _ = try Self.commit(&tree, sender: 0, members: members)
        let validator = Self.validator(tree.crypto)

        // A forged leaf signature (in the tree before the commit: after it, every leaf is also
        // covered by a parent hash, which would catch the change first).
        let (added, _) = try Self.group(4)
        var nodes = added.wireValue.nodes
        guard case .leaf(var leaf) = nodes[2] else { Issue.record("leaf 1 missing"); return }
        leaf.signature[0] ^= 1
        nodes[2] = .leaf(leaf)
        var forged = RatchetTree(trusting: try #require(RatchetTreeIn(nodes: nodes)), crypto: tree.crypto)
        #expect(throws: TreeError.invalidLeaf(.badSignature)) {
            try RatchetTree(validating: forged.wireValue, crypto: tree.crypto, groupID: Self.groupID, expectedTreeHash: forged.treeHash(), groupContextExtensions: [], leafValidator: validator)
        }

        // A parent key replaced (tree hash recomputed, so only the parent hash catches it).
        nodes = tree.wireValue.nodes
        guard case .parent(var parent) = nodes[1] else { Issue.record("parent missing"); return }
        parent.encryptionKey = try HPKEPrivateKey.generate(kem: tree.crypto.kem).publicKey
        nodes[1] = .parent(parent)
        forged = RatchetTree(trusting: try #require(RatchetTreeIn(nodes: nodes)), crypto: tree.crypto)
        #expect(throws: TreeError.parentHashInvalid) {
            try RatchetTree(validating: forged.wireValue, crypto: tree.crypto, groupID: Self.groupID, expectedTreeHash: forged.treeHash(), groupContextExtensions: [], leafValidator: validator)
        }

        // The wrong tree hash.
        #expect(throws: TreeError.treeHashMismatch) {
            try RatchetTree(validating: tree.wireValue, crypto: tree.crypto, groupID: Self.groupID, expectedTreeHash: [0], groupContextExtensions: [], leafValidator: validator)
        }

        // The wrong group: update/commit leaves are signed for a group.
        var check = tree
        #expect(throws: TreeError.invalidLeaf(.badSignature)) {
            try RatchetTree(validating: tree.wireValue, crypto: tree.crypto, groupID: [1, 2, 3], expectedTreeHash: check.treeHash(), groupContextExtensions: [], leafValidator: validator)
        }
    }
}

/// KeyPackage and LeafNode validation, with the lifetime checked against an injected clock.
@Suite struct KeyPackageValidationTests {
    static func validator(_ crypto: CryptoSuite, now: UInt64) -> LeafNodeValidator {
        LeafNodeValidator(crypto: crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .check(now: { now }))
    }

    @Test func validKeyPackageGetsAReference() throws {
        let member = try TestMember()
        let keyPackage = try member.keyPackage().validate(validator: Self.validator(member.crypto, now: 1_500), requirements: .none)
        #expect(keyPackage.reference == member.crypto.makeKeyPackageRef(keyPackage.value.wireBytes))
        #expect(keyPackage.reference.count == 32)
    }

    @Test(arguments: [UInt64(999), 2_001])
    func lifetimeIsCheckedAgainstTheClock(now: UInt64) throws {
        let member = try TestMember()
        #expect(throws: KeyPackageValidationError.leafNode(.lifetime)) {
            try member.keyPackage().validate(validator: Self.validator(member.crypto, now: now), requirements: .none)
        }
        // The same KeyPackage passes when lifetimes are not checked (recorded data).
        let ignoring = LeafNodeValidator(crypto: member.crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .ignore)
        _ = try member.keyPackage().validate(validator: ignoring, requirements: .none)
    }

    @Test func rejectsForgeriesAndMismatches() throws {
        let member = try TestMember()
        let validator = Self.validator(member.crypto, now: 1_500)
        var keyPackage = try member.keyPackage()
        keyPackage.signature[0] ^= 1
        #expect(throws: KeyPackageValidationError.badSignature) { try keyPackage.validate(validator: validator, requirements: .none) }
        keyPackage = try member.keyPackage()
        keyPackage.initKey = keyPackage.leafNode.encryptionKey
        #expect(throws: KeyPackageValidationError.initKeyEqualsEncryptionKey) { try keyPackage.validate(validator: validator, requirements: .none) }
        let p256 = try TestMember(suite: .mls128DHKEMP256AES128GCMSHA256P256)
        #expect(throws: KeyPackageValidationError.cipherSuite) { try p256.keyPackage().validate(validator: validator, requirements: .none) }
        keyPackage = try member.keyPackage()
        keyPackage.leafNode.credential = .basic(identity: Array("Mallory".utf8))
        #expect(throws: KeyPackageValidationError.leafNode(.badSignature)) { try keyPackage.validate(validator: validator, requirements: .none) }
    }

    @Test func credentialHookDecides() throws {
        struct RejectAll: CredentialValidator {
            func validate(_ credential: Credential, signatureKey: [UInt8]) throws(CredentialValidationError) {
                throw CredentialValidationError(reason: "unknown device")
            }
        }
        let member = try TestMember()
        let validator = LeafNodeValidator(crypto: member.crypto, credentialValidator: RejectAll(), lifetimePolicy: .ignore)
        #expect(throws: KeyPackageValidationError.leafNode(.credentialRejected(CredentialValidationError(reason: "unknown device")))) {
            try member.keyPackage().validate(validator: validator, requirements: .none)
        }
    }

    @Test func updateMustChangeTheEncryptionKey() throws {
        let member = try TestMember()
        let old = try member.leafNode(source: .update, groupID: [1], leafIndex: 3)
        let validator = Self.validator(member.crypto, now: 0)
        #expect(throws: LeafNodeValidationError.encryptionKeyUnchanged) {
            try validator.validate(old, in: .update(groupID: [1], leafIndex: 3, replacing: old), requirements: .none)
        }
        let fresh = try member.leafNode(source: .update, groupID: [1], leafIndex: 3, encryptionKey: try HPKEPrivateKey.generate(kem: member.crypto.kem).publicKey)
        try validator.validate(fresh, in: .update(groupID: [1], leafIndex: 3, replacing: old), requirements: .none)
        #expect(throws: LeafNodeValidationError.wrongSource) {
            try validator.validate(fresh, in: .commit(groupID: [1], leafIndex: 3, replacing: old), requirements: .none)
        }
        let required = GroupRequirements(requiredCapabilities: RequiredCapabilities(extensionTypes: [ExtensionType(rawValue: 0xF001)]), credentialTypesSupportedByAll: nil, credentialTypesInUse: [])
        #expect(throws: LeafNodeValidationError.requiredCapabilities) {
            try validator.validate(fresh, in: .update(groupID: [1], leafIndex: 3, replacing: old), requirements: required)
        }
    }
}

/// Trees large enough to take the parallel leaf-validation path.
@Suite struct LargeTreeTests {
    @Test func parallelValidationReportsTheLeftmostBadLeaf() throws {
        let crypto = try CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519)
        let members = try (0..<600).map { try TestMember(number: UInt8(truncatingIfNeeded: $0)) }
        // Distinct identities are not required by the tree; distinct keys are (fresh per member).
        var tree = RatchetTree(crypto: crypto, creator: try members[0].leafNode())
        tree.add(try members.dropFirst().map { try $0.leafNode() })
        #expect(tree.leafCount == 1024)
        let validator = RatchetTreeTests.validator(crypto)
        var check = tree
        _ = try RatchetTree(validating: tree.wireValue, crypto: crypto, groupID: [], expectedTreeHash: check.treeHash(), groupContextExtensions: [], leafValidator: validator)

        var nodes = tree.wireValue.nodes
        for leaf in [590, 300] {
            guard case .leaf(var node) = nodes[2 * leaf] else { Issue.record("missing leaf"); return }
            node.signature[1] ^= 0x80
            nodes[2 * leaf] = .leaf(node)
        }
        var forged = RatchetTree(trusting: try #require(RatchetTreeIn(nodes: nodes)), crypto: crypto)
        #expect(throws: TreeError.invalidLeaf(.badSignature)) {
            try RatchetTree(validating: forged.wireValue, crypto: crypto, groupID: [], expectedTreeHash: forged.treeHash(), groupContextExtensions: [], leafValidator: validator)
        }
    }
}
