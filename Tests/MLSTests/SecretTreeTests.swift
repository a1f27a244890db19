import MLS
import Testing

@Suite struct SecretTreeTests {
    static let crypto = try! CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()

    static func tree(leaves: UInt32 = 4, _ configuration: SecretTree.Configuration = .init()) throws -> SecretTree {
        try SecretTree(crypto: crypto, encryptionSecret: Secret(bytes: [UInt8](repeating: 7, count: 32)), leafCount: leaves, configuration: configuration)
    }

    @Test func eachKeyIsHandedOutOnce() throws {
        var tree = try Self.tree()
        _ = try tree.key(leaf: LeafIndex(1), type: .application, generation: 0)
        #expect(throws: SecretTreeError.keyConsumed) { try tree.key(leaf: LeafIndex(1), type: .application, generation: 0) }
        // The other ratchet of the same leaf is independent.
        _ = try tree.key(leaf: LeafIndex(1), type: .handshake, generation: 0)
    }

    @Test func skippedGenerationsAreKeptOnceForLateMessages() throws {
        var tree = try Self.tree()
        let late = try Self.tree()
        var reference = late
        let five = try tree.key(leaf: LeafIndex(2), type: .application, generation: 5)
        let three = try tree.key(leaf: LeafIndex(2), type: .application, generation: 3)
        #expect(throws: SecretTreeError.keyConsumed) { try tree.key(leaf: LeafIndex(2), type: .application, generation: 3) }
        #expect(throws: SecretTreeError.keyConsumed) { try tree.key(leaf: LeafIndex(2), type: .application, generation: 5) }
        // Same keys as a receiver who got them in order.
        for generation: UInt32 in 0...5 {
            let key = try reference.key(leaf: LeafIndex(2), type: .application, generation: generation)
            if generation == 3 { #expect(key.key == three.key && key.nonce == three.nonce) }
            if generation == 5 { #expect(key.key == five.key && key.nonce == five.nonce) }
        }
        #expect(tree.nextGeneration(leaf: LeafIndex(2), type: .application) == 6)
    }

    @Test func forwardWindowIsBounded() throws {
        var tree = try Self.tree(.init(maximumForwardDistance: 10, maximumSkippedKeys: 3))
        #expect(throws: SecretTreeError.generationTooFarAhead) { try tree.key(leaf: LeafIndex(0), type: .application, generation: 11) }
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 10)
        // Only the three newest skipped keys (7, 8, 9) were retained.
        #expect(throws: SecretTreeError.keyConsumed) { try tree.key(leaf: LeafIndex(0), type: .application, generation: 6) }
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 7)
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 9)
        #expect(throws: SecretTreeError.generationTooFarAhead) { try tree.key(leaf: LeafIndex(0), type: .application, generation: UInt32.max) }
    }

    @Test func sendingAdvancesTheRatchet() throws {
        var sender = try Self.tree()
        var receiver = try Self.tree()
        for expected: UInt32 in 0..<3 {
            let sent = try sender.nextSendingKey(leaf: LeafIndex(3), type: .handshake)
            #expect(sent.generation == expected)
            let received = try receiver.key(leaf: LeafIndex(3), type: .handshake, generation: expected)
            #expect(sent.key == received.key)
            #expect(sent.nonce == received.nonce)
        }
    }

    @Test func leavesAreIndependentAndBoundsChecked() throws {
        var tree = try Self.tree()
        let a = try tree.key(leaf: LeafIndex(0), type: .application, generation: 0)
        let b = try tree.key(leaf: LeafIndex(1), type: .application, generation: 0)
        #expect(a.key != b.key)
        #expect(throws: SecretTreeError.leafOutOfRange) { try tree.key(leaf: LeafIndex(4), type: .application, generation: 0) }
        #expect(throws: SecretTreeError.invalidLeafCount) { try Self.tree(leaves: 3) }
        #expect(throws: SecretTreeError.invalidSecretLength) {
            try SecretTree(crypto: Self.crypto, encryptionSecret: Secret(bytes: [1]), leafCount: 2)
        }
    }
}

@Suite struct SecretTreeEvictionTests {
    /// Eviction keeps the newest keys across several jumps, including after some were consumed.
    @Test func oldestSkippedKeysAreEvictedFirst() throws {
        let crypto = try CipherSuite.mls128DHKEMX25519AES128GCMSHA256Ed25519.crypto()
        var tree = try SecretTree(
            crypto: crypto, encryptionSecret: Secret(zeros: 32), leafCount: 2,
            configuration: .init(maximumForwardDistance: 100, maximumSkippedKeys: 5))
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 4)  // skipped 0...3
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 1)  // consume 1: retained {0, 2, 3}
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 8)  // skips 5...7: evicts 0 → {2, 3, 5, 6, 7}
        #expect(throws: SecretTreeError.keyConsumed) { try tree.key(leaf: LeafIndex(0), type: .application, generation: 0) }
        for generation: UInt32 in [2, 3, 5, 6, 7] {
            _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: generation)
        }
        _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: 100)  // skips 9...99, keeps the last five
        #expect(throws: SecretTreeError.keyConsumed) { try tree.key(leaf: LeafIndex(0), type: .application, generation: 94) }
        for generation: UInt32 in 95...99 {
            _ = try tree.key(leaf: LeafIndex(0), type: .application, generation: generation)
        }
    }
}
