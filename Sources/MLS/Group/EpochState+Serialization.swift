import WireFormat

/// One epoch as part of a group's serialized state (``MLSGroup/serialized()``): the
/// GroupContext, the ratchet tree, this member's private keys, the eight epoch secrets, the
/// secret tree and the interim transcript hash. The current epoch and a pending Commit's next
/// epoch are written the same way.
extension EpochState {
    func encodeState(to w: inout WireWriter) {
        w.write(groupContext)
        w.writeOpaque(tree.wireValue.wireBytes)
        w.write(privateState.leafIndex)
        w.writeOpaque(privateState.leafKey.serialized.exportedBytes)
        w.writeVector { v in
            for (node, key) in privateState.pathKeys.sorted(by: { $0.key < $1.key }) {
                v.write(UInt32(node))
                v.writeOpaque(key.serialized.exportedBytes)
            }
        }
        for secret in [
            keys.senderDataSecret, keys.exporterSecret, keys.externalSecret, keys.confirmationKey, keys.membershipKey, keys.resumptionPSK,
            keys.epochAuthenticator, keys.initSecret,
        ] {
            w.writeOpaque(secret.exportedBytes)
        }
        secretTree.encodeState(to: &w)
        w.writeOpaque(interimTranscriptHash)
    }

    /// Reads an epoch written by ``encodeState(to:)``, checking it as far as it is cheap: the
    /// suite, the tree's shape, hashes, unmerged leaves and unique keys, the private keys
    /// against the tree, our leaf's signature key (`signatureKey`), every secret's length.
    init(
        restoringFrom r: inout WireReader, crypto: CryptoSuite, signatureKey: [UInt8], configuration: MLSGroup.Configuration
    ) throws(MLSGroupError) {
        do {
            let context = try r.read(GroupContext.self)
            guard context.cipherSuite == crypto.cipherSuite else { throw MLSGroupError.malformedState }
            var tree = RatchetTree(trusting: try RatchetTreeIn(wireBytes: try r.readOpaque()), crypto: crypto)
            guard tree.treeHash() == context.treeHash, tree.verifyParentHashes() else { throw MLSGroupError.malformedState }
            try tree.validateStructure()
            let ourLeaf = try r.readUInt32()
            let leafKey = try HPKEPrivateKey(kem: crypto.kem, serialized: try r.readOpaque())
            let pathKeys = try r.readVector { (v: inout WireReader) throws(WireFormatError) -> (Int, [UInt8]) in
                (Int(try v.readUInt32()), try v.readOpaque())
            }
            var keysByNode: [Int: HPKEPrivateKey] = [:]
            for (node, bytes) in pathKeys { keysByNode[node] = try HPKEPrivateKey(kem: crypto.kem, serialized: bytes) }
            let privateState = TreeKEMPrivateState(leafIndex: ourLeaf, leafKey: leafKey, pathKeys: keysByNode)
            guard privateState.isConsistent(with: tree), tree.leaf(at: ourLeaf)?.signatureKey == signatureKey else {
                throw MLSGroupError.malformedState
            }
            var secrets: [Secret] = []
            for _ in 0..<8 {
                let bytes = try r.readOpaque()
                guard bytes.count == crypto.hashLength else { throw MLSGroupError.malformedState }
                secrets.append(Secret(bytes: bytes))
            }
            let keys = EpochKeys(
                senderDataSecret: secrets[0], exporterSecret: secrets[1], externalSecret: secrets[2], confirmationKey: secrets[3],
                membershipKey: secrets[4], resumptionPSK: secrets[5], epochAuthenticator: secrets[6], initSecret: secrets[7])
            let secretTree = try SecretTree(
                restoringFrom: &r, crypto: crypto, leafCount: UInt32(tree.leafCount), configuration: configuration.secretTree)
            let interim = try r.readOpaque()
            guard interim.count == crypto.hashLength else { throw MLSGroupError.malformedState }
            self.init(
                groupContext: context, tree: tree, privateState: privateState, keys: keys, secretTree: secretTree, interimTranscriptHash: interim)
        } catch let error as MLSGroupError {
            throw error
        } catch {
            throw .malformedState
        }
    }
}
