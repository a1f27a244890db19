import MLS
import Testing

/// The out-of-order window is bounded for the whole tree, not per ratchet: one insider who
/// forges far-ahead generations for many leaves cannot make a receiver keep more than
/// `maximumRetainedKeys` keys (review H2).
@Suite struct SecretTreeRetentionTests {
    static func tree(leaves: UInt32, _ configuration: SecretTree.Configuration) throws -> SecretTree {
        try SecretTree(
            crypto: SecretTreeTests.crypto, encryptionSecret: Secret(bytes: [UInt8](repeating: 7, count: 32)), leafCount: leaves,
            configuration: configuration)
    }

    @Test func retainedKeysAreCappedAcrossRatchets() throws {
        var tree = try Self.tree(leaves: 8, .init(maximumForwardDistance: 100, maximumSkippedKeys: 100, maximumRetainedKeys: 250))
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 100)
        _ = try tree.key(leaf: LeafIndex(1), type: .handshake, generation: 100)
        #expect(tree.retainedKeyCount == 200)

        // Within the per-ratchet window, but past the tree-wide cap: refused, and nothing changes.
        let before = tree.nextGeneration(leaf: LeafIndex(2), type: .application)
        #expect(throws: SecretTreeError.retainedKeyLimit) { try tree.key(leaf: LeafIndex(2), type: .application, generation: 51) }
        #expect(tree.nextGeneration(leaf: LeafIndex(2), type: .application) == before)
        #expect(tree.retainedKeyCount == 200)
        // Up to the cap is fine.
        _ = try tree.key(leaf: LeafIndex(2), type: .application, generation: 50)
        #expect(tree.retainedKeyCount == 250)

        // In-order messages retain nothing, so they still pass at the cap.
        for generation: UInt32 in 0..<3 {
            _ = try tree.key(leaf: LeafIndex(3), type: .application, generation: generation)
            #expect(try tree.nextSendingKey(leaf: LeafIndex(4), type: .handshake).generation == generation)
        }
        // A far-ahead message whose ratchet is at its own cap replaces its oldest keys: no growth, accepted.
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 150)
        #expect(tree.retainedKeyCount == 250)

        // Using a retained key frees its slot for another leaf's skipped generation.
        _ = try tree.key(leaf: LeafIndex(1), type: .handshake, generation: 5)
        #expect(tree.retainedKeyCount == 249)
        #expect(throws: SecretTreeError.retainedKeyLimit) { try tree.key(leaf: LeafIndex(5), type: .application, generation: 2) }
        _ = try tree.key(leaf: LeafIndex(5), type: .application, generation: 1)
        #expect(tree.retainedKeyCount == 250)
    }

    /// The failure the review describes, at the default limits: skipped generations forged for
    /// leaf after leaf stop at the default tree-wide cap of 10,000 keys.
    @Test func theDefaultCapStopsAnInsiderSweepingEveryLeaf() throws {
        var tree = try Self.tree(leaves: 32, .init())
        var refused = 0
        for leaf: UInt32 in 0..<32 {
            do {
                _ = try tree.key(leaf: LeafIndex(leaf), type: .application, generation: 1_000)
            } catch {
                #expect(error == .retainedKeyLimit)
                refused += 1
            }
        }
        #expect(tree.retainedKeyCount == 10_000)
        #expect(refused == 22)
    }

    /// Forward distance is still reported as such, not as the retention limit.
    @Test func tooFarAheadIsReportedFirst() throws {
        var tree = try Self.tree(leaves: 2, .init(maximumForwardDistance: 10, maximumSkippedKeys: 10, maximumRetainedKeys: 5))
        #expect(throws: SecretTreeError.generationTooFarAhead) { try tree.key(leaf: LeafIndex(0), type: .application, generation: 11) }
        #expect(throws: SecretTreeError.retainedKeyLimit) { try tree.key(leaf: LeafIndex(0), type: .application, generation: 10) }
    }
}
