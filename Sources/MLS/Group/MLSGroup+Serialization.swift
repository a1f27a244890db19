import WireFormat

extension MLSGroup {
    /// The current state format. Version 2 (docs/mls-group.md) is version 1 followed by
    /// `optional<PendingCommit>`; ``init(serialized:configuration:)`` still reads version 1
    /// (a state without a pending Commit). A later version adds a case there that reads the
    /// earlier ones and migrates them.
    public static let stateFormatVersion: UInt16 = 2

    /// The group's state as bytes, for the client's encrypted storage: a `uint16` format version,
    /// then the suite, our signature key, the GroupContext, the ratchet tree, our private keys,
    /// the epoch's secrets and secret tree (with its retained out-of-order keys), the interim
    /// transcript hash, the cached proposals, recent resumption PSKs, the status, and the
    /// pending Commit if there is one (the Commit as sent, the epoch it leads to with its
    /// secrets and our new path keys, its summary and its Welcome).
    ///
    /// Save the state with the pending Commit *before* sending the Commit: after a crash, the
    /// restored group sends ``pendingCommitMessage`` again and merges or discards it on the
    /// Delivery Service's answer.
    ///
    /// The bytes hold every secret of the epoch (and of the next one while a Commit is
    /// pending): store them encrypted at rest.
    public func serialized() throws(MLSGroupError) -> [UInt8] {
        var w = WireWriter(reservingCapacity: 4096)
        w.write(Self.stateFormatVersion)
        w.write(crypto.cipherSuite)
        w.writeOpaque(signer.serialized.exportedBytes)
        epoch.encodeState(to: &w)
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
        w.writeOptional(pendingCommit) { $1.encodeState(to: &$0) }
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
    /// given again: it is not part of the state. Reads format versions 1 and 2.
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
        case 1: try self.init(restoring: &r, withPendingCommit: false, configuration: configuration)
        case 2: try self.init(restoring: &r, withPendingCommit: true, configuration: configuration)
        default: throw .unsupportedStateVersion(version)
        }
        guard r.isAtEnd else { throw .malformedState }
    }

    /// Versions 1 and 2 share their layout up to the status; version 2 adds the pending Commit.
    private init(restoring r: inout WireReader, withPendingCommit: Bool, configuration: Configuration) throws(MLSGroupError) {
        do {
            let suite = try r.read(CipherSuite.self)
            let crypto = try suite.crypto()
            let signer = try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: try r.readOpaque())
            let epoch = try EpochState(restoringFrom: &r, crypto: crypto, signatureKey: signer.publicKey, configuration: configuration)
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
            var pending: PendingCommit?
            if withPendingCommit {
                switch try r.readUInt8() {
                case 0: break
                case 1:
                    // Only an active member has a Commit pending (a removal or a merge drops it).
                    guard status == .active else { throw MLSGroupError.malformedState }
                    pending = try PendingCommit(
                        restoringFrom: &r, current: epoch, crypto: crypto, signatureKey: signer.publicKey, configuration: configuration)
                default: throw MLSGroupError.malformedState
                }
            }
            self.init(crypto: crypto, signer: signer, epoch: epoch, configuration: configuration)
            for cached in proposals { proposalCache.insert(cached) }
            for (number, psk) in psks {
                guard psk.count == crypto.hashLength else { throw MLSGroupError.malformedState }
                resumptionPSKs[number] = Secret(bytes: psk)
            }
            self.status = status
            self.pendingCommit = pending
            if !r.isAtEnd {
                let updateKeys = try r.readVector { (v: inout WireReader) throws(WireFormatError) -> [UInt8] in try v.readOpaque() }
                guard !updateKeys.isEmpty else { throw MLSGroupError.malformedState }
                for bytes in updateKeys {
                    let key = try HPKEPrivateKey(kem: crypto.kem, serialized: bytes)
                    // Each must belong to an Update of ours in the cache.
                    guard proposalCache.proposals.contains(where: { cached in
                        guard case .update(let update) = cached.proposal, cached.sender == .member(leafIndex: epoch.ourLeaf) else { return false }
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
