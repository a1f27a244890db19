import MLS
import Testing
import WireFormat

/// Lifetimes are checked against the clock where a KeyPackage adds its owner, not on the
/// leaves of a tree being joined (review H1; RFC 9420 §7.3, §12.4.3.1).
@Suite struct TreeLeafLifetimeTests {
    /// Members added from KeyPackages valid from 1,000 to 2,000 s; the tree as the creator holds it.
    static func groupAddedFromKeyPackages(_ count: Int) throws -> (RatchetTree, [TestMember], [KeyPackageIn]) {
        let members = try (0..<count).map { try TestMember(number: UInt8($0)) }
        let keyPackages = try members.map { try $0.keyPackage(notBefore: 1_000, notAfter: 2_000) }
        var tree = RatchetTree(crypto: members[0].crypto, creator: keyPackages[0].leafNode)
        tree.add(keyPackages.dropFirst().map(\.leafNode))
        return (tree, members, keyPackages)
    }

    static func validator(_ crypto: CryptoSuite, now: UInt64) -> LeafNodeValidator {
        LeafNodeValidator(crypto: crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .check(now: { now }))
    }

    static func join(_ tree: RatchetTree, now: UInt64) throws -> RatchetTree {
        var hashed = tree
        return try RatchetTree(
            validating: tree.wireValue, crypto: tree.crypto, groupID: RatchetTreeTests.groupID, expectedTreeHash: hashed.treeHash(),
            groupContextExtensions: [], leafValidator: validator(tree.crypto, now: now))
    }

    /// An idle member's leaf keeps its KeyPackage lifetime; once the clock passes it, the
    /// group must still be joinable.
    @Test func aTreeWithExpiredKeyPackageLeavesCanBeJoined() throws {
        let (tree, members, keyPackages) = try Self.groupAddedFromKeyPackages(4)
        for now: UInt64 in [1_500, 2_001, 1_000_000] {
            #expect(try Self.join(tree, now: now) == tree)
        }
        // The same leaves, as KeyPackages being used to add their owners, are checked against the clock.
        let crypto = members[0].crypto
        for keyPackage in keyPackages {
            _ = try keyPackage.validate(validator: Self.validator(crypto, now: 1_500), requirements: .none)
            #expect(throws: KeyPackageValidationError.leafNode(.lifetime)) {
                try keyPackage.validate(validator: Self.validator(crypto, now: 2_001), requirements: .none)
            }
            #expect(throws: KeyPackageValidationError.leafNode(.lifetime)) {
                try keyPackage.validate(validator: Self.validator(crypto, now: 999), requirements: .none)
            }
        }
    }

    /// The time-independent rules of RFC 9420 §7.2 still hold for tree leaves: a lifetime longer
    /// than the maximum is rejected whatever the clock says.
    @Test func aTreeLeafWithATooLongLifetimeIsRejected() throws {
        let (tree, _, _) = try Self.groupAddedFromKeyPackages(3)
        var longLived = tree
        let member = try TestMember(number: 7)
        longLived.add(try member.leafNode(source: .keyPackage(Lifetime(notBefore: 1_000, notAfter: 1_000 + 91 * 24 * 3600))))
        #expect(throws: TreeError.invalidLeaf(.lifetime)) { try Self.join(longLived, now: 1_500) }
    }
}
