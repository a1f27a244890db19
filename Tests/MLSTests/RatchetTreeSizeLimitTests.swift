import MLS
import Testing
import WireFormat

/// Review M5: a received ratchet tree is bounded in leaves, in the decoder (before each node is
/// decoded) and in `RatchetTree(validating:)`.
@Suite struct RatchetTreeSizeLimitTests {
    /// `optional<Node> ratchet_tree<V>` of `blankNodes` blank nodes followed by `leaf`.
    static func encodedTree(blankNodes: Int, leaf: LeafNode) -> [UInt8] {
        var writer = WireWriter()
        writer.writeVector { (w: inout WireWriter) in
            w.writeBytes(repeatElement(UInt8(0), count: blankNodes))
            w.write(UInt8(1))
            w.write(Node.leaf(leaf))
        }
        return writer.bytes
    }

    @Test func theDecoderStopsAtTheDefaultMaximum() throws {
        let leaf = try TestMember().leafNode()
        #expect(RatchetTreeIn.defaultMaximumLeafCount == 65_536)
        // 65,536 leaves (131,071 nodes): accepted.
        let largest = Self.encodedTree(blankNodes: 2 * 65_536 - 2, leaf: leaf)
        #expect(try RatchetTreeIn(wireBytes: largest).nodes.count == 131_071)
        // One leaf more: refused while decoding.
        let tooLarge = Self.encodedTree(blankNodes: 2 * 65_536, leaf: leaf)
        #expect(throws: WireFormatError.invalidValue("ratchet_tree above the maximum leaf count")) { try RatchetTreeIn(wireBytes: tooLarge) }
        // A larger bound can be configured.
        #expect(try RatchetTreeIn(wireBytes: tooLarge, maximumLeafCount: 65_537).nodes.count == 131_073)
    }

    @Test func theBoundIsConfigurable() throws {
        let (tree, _) = try RatchetTreeTests.group(5)  // leaves 0-4 occupied: 9 nodes on the wire
        let bytes = tree.wireValue.wireBytes
        #expect(try RatchetTreeIn(wireBytes: bytes, maximumLeafCount: 5).nodes.count == 9)
        #expect(throws: WireFormatError.self) { try RatchetTreeIn(wireBytes: bytes, maximumLeafCount: 4) }

        var hashed = tree
        let treeHash = hashed.treeHash()
        func join(maximum: Int) throws -> RatchetTree {
            try RatchetTree(
                validating: tree.wireValue, crypto: tree.crypto, groupID: RatchetTreeTests.groupID, expectedTreeHash: treeHash,
                groupContextExtensions: [], leafValidator: RatchetTreeTests.validator(tree.crypto), maximumLeafCount: maximum)
        }
        #expect(try join(maximum: 5) == tree)
        #expect(throws: TreeError.tooManyLeaves) { try join(maximum: 4) }
    }
}
