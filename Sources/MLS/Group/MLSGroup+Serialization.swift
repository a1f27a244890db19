import WireFormat

extension MLSGroup {
    /// The current state format. Version 1 is the layout documented in docs/mls-group.md; a
    /// later version adds a case to ``init(serialized:configuration:)`` that reads version 1 and
    /// migrates it.
    public static let stateFormatVersion: UInt16 = 1

    /// The group's state as bytes, for the client's encrypted storage: a `uint16` format version,
    /// then the suite, our signature key, the GroupContext, the ratchet tree, our private keys,
    /// the epoch's secrets and secret tree (with its retained out-of-order keys), the interim
    /// transcript hash, the cached proposals, recent resumption PSKs and the status.
    ///
    /// The bytes hold every secret of the epoch: store them encrypted at rest.
    /// - Throws: ``MLSGroupError/pendingCommitExists`` while a Commit of ours awaits the relay's
    ///   answer (merge or discard it first: a pending Commit is not persisted).
    public func serialized() throws(MLSGroupError) -> [UInt8] {
        guard pendingCommit == nil else { throw .pendingCommitExists }
        var w = WireWriter(reservingCapacity: 4096)
        w.write(Self.stateFormatVersion)
        w.write(crypto.cipherSuite)
        w.writeOpaque(signer.serialized.exportedBytes)
        w.write(epoch.groupContext)
        w.writeOpaque(epoch.tree.wireValue.wireBytes)
        w.write(epoch.privateState.leafIndex)
        w.writeOpaque(epoch.privateState.leafKey.serialized.exportedBytes)
        w.writeVector { v in
            for (node, key) in epoch.privateState.pathKeys.sorted(by: { $0.key < $1.key }) {
                v.write(UInt32(node))
                v.writeOpaque(key.serialized.exportedBytes)
            }
        }
        let keys = epoch.keys
        for secret in [
            keys.senderDataSecret, keys.exporterSecret, keys.externalSecret, keys.confirmationKey, keys.membershipKey, keys.resumptionPSK,
            keys.epochAuthenticator, keys.initSecret,
        ] {
            w.writeOpaque(secret.exportedBytes)
        }
        epoch.secretTree.encodeState(to: &w)
        w.writeOpaque(epoch.interimTranscriptHash)
        w.writeVector { v in
            for cached in proposalCache.proposals {
                v.writeOpaque(cached.reference)
                v.write(cached.proposal)
                v.write(cached.sender)
            }
        }
        w.writeVector { v in
            for (number, psk) in resumptionPSKs.sorted(by: { $0.key < $1.key }) {
                v.write(number)
                v.writeOpaque(psk.exportedBytes)
            }
        }
        switch status {
        case .active: w.write(UInt8(0))
        case .removed: w.write(UInt8(1))
        case .removalUnconfirmed: w.write(UInt8(3))
        case .reinitialized(let reInit):
            w.write(UInt8(2))
            w.write(reInit)
        }
        // Optional trailing section: the private keys of our uncommitted Update proposals
        // (absent when there are none, so states without one read as before).
        if !pendingUpdateKeys.isEmpty {
            w.writeVector { v in
                for key in pendingUpdateKeys.values.map({ $0.serialized.exportedBytes }).sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                    v.writeOpaque(key)
                }
            }
        }
        return w.bytes
    }

    /// Restores a group from ``serialized()`` bytes (which this client wrote; they are checked
    /// anyway: a corrupted or truncated state throws, it never traps). The configuration is
    /// given again: it is not part of the state.
    /// - Throws: ``MLSGroupError/unsupportedStateVersion(_:)`` for a format this build does not
    ///   know, ``MLSGroupError/malformedState`` for anything inconsistent.
    public init(serialized bytes: [UInt8], configuration: Configuration) throws(MLSGroupError) {
        var r = WireReader(bytes)
        let version: UInt16
        do {
            version = try r.readUInt16()
        } catch {
            throw .malformedState
        }
        switch version {
        case 1: try self.init(version1: &r, configuration: configuration)
        default: throw .unsupportedStateVersion(version)
        }
        guard r.isAtEnd else { throw .malformedState }
    }

    private init(version1 r: inout WireReader, configuration: Configuration) throws(MLSGroupError) {
        do {
            let suite = try r.read(CipherSuite.self)
            let crypto = try suite.crypto()
            let signer = try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: try r.readOpaque())
            let context = try r.read(GroupContext.self)
            guard context.cipherSuite == suite else { throw MLSGroupError.malformedState }
            var tree = RatchetTree(trusting: try RatchetTreeIn(wireBytes: try r.readOpaque()), crypto: crypto)
            // Our own storage, but checked as far as it is cheap: shape, hashes, unmerged leaves, unique keys.
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
            guard privateState.isConsistent(with: tree), tree.leaf(at: ourLeaf)?.signatureKey == signer.publicKey else {
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
            let proposals = try r.readVector { (v: inout WireReader) throws(WireFormatError) -> CachedProposal in
                CachedProposal(reference: try v.readOpaque(), proposal: try v.read(Proposal.self), sender: try v.read(Sender.self))
            }
            let psks = try r.readVector { (v: inout WireReader) throws(WireFormatError) -> (UInt64, [UInt8]) in
                (try v.readUInt64(), try v.readOpaque())
            }
            let status: Status
            switch try r.readUInt8() {
            case 0: status = .active
            case 1: status = .removed
            case 2: status = .reinitialized(try r.read(ReInit.self))
            case 3: status = .removalUnconfirmed
            default: throw MLSGroupError.malformedState
            }
            self.init(
                crypto: crypto, signer: signer,
                epoch: EpochState(
                    groupContext: context, tree: tree, privateState: privateState, keys: keys, secretTree: secretTree,
                    interimTranscriptHash: interim),
                configuration: configuration)
            for cached in proposals { proposalCache.insert(cached) }
            for (number, psk) in psks {
                guard psk.count == crypto.hashLength else { throw MLSGroupError.malformedState }
                resumptionPSKs[number] = Secret(bytes: psk)
            }
            self.status = status
            if !r.isAtEnd {
                let updateKeys = try r.readVector { (v: inout WireReader) throws(WireFormatError) -> [UInt8] in try v.readOpaque() }
                guard !updateKeys.isEmpty else { throw MLSGroupError.malformedState }
                for bytes in updateKeys {
                    let key = try HPKEPrivateKey(kem: crypto.kem, serialized: bytes)
                    // Each must belong to an Update of ours in the cache.
                    guard proposalCache.proposals.contains(where: { cached in
                        guard case .update(let update) = cached.proposal, cached.sender == .member(leafIndex: ourLeaf) else { return false }
                        return update.leafNode.encryptionKey == key.publicKey
                    }), pendingUpdateKeys.updateValue(key, forKey: key.publicKey) == nil
                    else { throw MLSGroupError.malformedState }
                }
            }
        } catch let error as MLSGroupError {
            throw error
        } catch {
            throw .malformedState
        }
    }
}
