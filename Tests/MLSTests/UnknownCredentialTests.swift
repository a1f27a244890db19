import MLS
import Testing
import WireFormat

/// Review L9: a credential of an unknown type decodes (kept opaque) so the tree, Welcome or
/// KeyPackage around it still decodes, and is rejected by leaf validation.
@Suite struct UnknownCredentialTests {
    static let type = CredentialType(rawValue: 0xF00D)

    @Test func anUnknownCredentialTypeIsKeptOpaque() throws {
        // credential_type 0xF00D, then opaque data<V> = [1, 2, 3].
        let bytes: [UInt8] = [0xF0, 0x0D, 0x03, 1, 2, 3]
        let credential = try Credential(wireBytes: bytes)
        #expect(credential == .unknown(type: Self.type, data: [1, 2, 3]))
        #expect(credential.credentialType == Self.type)
        #expect(credential.wireBytes == bytes)
    }

    @Test func aTreeWithSuchALeafDecodesButDoesNotValidate() throws {
        var (tree, members) = try RatchetTreeTests.group(3)
        var leaf = try members[2].leafNode()
        leaf.credential = .unknown(type: Self.type, data: [7])
        leaf.capabilities.credentials.append(Self.type)
        leaf.signature = try members[2].crypto.signWithLabel(privateKey: members[2].signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: [], leafIndex: 0))
        try tree.update(leafAt: 2, with: leaf)

        let decoded = try RatchetTreeIn(wireBytes: tree.wireValue.wireBytes)
        #expect(decoded == tree.wireValue)

        let validator = LeafNodeValidator(crypto: tree.crypto, credentialValidator: AcceptAllCredentialsValidator(), lifetimePolicy: .ignore)
        #expect(throws: LeafNodeValidationError.unsupportedCredentialType) {
            try validator.validate(leaf, in: .tree(groupID: RatchetTreeTests.groupID, leafIndex: 2), requirements: .none)
        }
        // Alone in a tree (so no other member's capabilities object first), the leaf is what fails.
        var single = RatchetTree(crypto: tree.crypto, creator: leaf)
        let treeHash = single.treeHash()
        #expect(throws: TreeError.invalidLeaf(.unsupportedCredentialType)) {
            try RatchetTree(
                validating: try RatchetTreeIn(wireBytes: single.wireValue.wireBytes), crypto: tree.crypto, groupID: RatchetTreeTests.groupID,
                expectedTreeHash: treeHash, groupContextExtensions: [], leafValidator: validator)
        }
    }
}
