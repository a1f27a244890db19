import WireFormat

/// A pending Commit as part of a group's serialized state (format version 2):
///
///     opaque commit<V>;                  // the MLSMessage as sent
///     EpochState next;                   // as the current epoch is written
///     uint32 committer; uint64 epoch;    // the CommitSummary
///     {uint32 leaf; Credential credential; opaque signature_key<V>} added<V>;
///     {uint32 leaf; Credential credential; opaque signature_key<V>} removed<V>;
///     uint32 updated<V>;
///     uint8 had_path;
///     optional<Extension new_extensions<V>>;
///     PreSharedKeyID psks<V>;
///     optional<ReInit> reinit;
///     optional<opaque welcome<V>>;       // the MLSMessage carrying the Welcome
extension PendingCommit {
    func encodeState(to w: inout WireWriter) {
        w.writeOpaque(message.wireBytes)
        next.encodeState(to: &w)
        w.write(summary.committer)
        w.write(summary.epoch)
        for members in [summary.added, summary.removed] {
            w.writeVector { v in
                for member in members {
                    v.write(member.leafIndex)
                    v.write(member.credential)
                    v.writeOpaque(member.signatureKey)
                }
            }
        }
        w.writeVector { v in for leaf in summary.updated { v.write(leaf) } }
        w.write(UInt8(summary.hadPath ? 1 : 0))
        w.writeOptional(summary.newExtensions) { w, extensions in
            w.writeVector { v in for item in extensions { v.write(item) } }
        }
        w.writeVector { v in for psk in summary.psks { v.write(psk) } }
        w.writeOptional(reInit) { $0.write($1) }
        w.writeOptional(welcome) { $0.writeOpaque($1.wireBytes) }
    }

    /// Reads a pending Commit of the group whose current epoch is `current`, checking that it
    /// belongs there: a Commit of this group and epoch, from our leaf, leading to the next
    /// epoch of the same group with us at the same leaf; a Welcome of the group's suite.
    init(
        restoringFrom r: inout WireReader, current: EpochState, crypto: CryptoSuite, signatureKey: [UInt8], configuration: MLSGroup.Configuration
    ) throws(MLSGroupError) {
        do {
            let message = try MLSMessage(wireBytes: try r.readOpaque())
            switch message.body {
            case .publicMessage(let value):
                guard value.content.groupID == current.groupContext.groupID, value.content.epoch == current.groupContext.epoch,
                    value.content.sender == .member(leafIndex: current.ourLeaf), case .commit = value.content.body
                else { throw MLSGroupError.malformedState }
            case .privateMessage(let value):
                guard value.groupID == current.groupContext.groupID, value.epoch == current.groupContext.epoch, value.contentType == .commit else {
                    throw MLSGroupError.malformedState
                }
            case .welcome, .groupInfo, .keyPackage:
                throw MLSGroupError.malformedState
            }
            let next = try EpochState(restoringFrom: &r, crypto: crypto, signatureKey: signatureKey, configuration: configuration)
            guard next.groupContext.groupID == current.groupContext.groupID, current.groupContext.epoch < UInt64.max,
                next.groupContext.epoch == current.groupContext.epoch + 1, next.ourLeaf == current.ourLeaf
            else { throw MLSGroupError.malformedState }
            let committer = try r.readUInt32()
            let epoch = try r.readUInt64()
            guard committer == current.ourLeaf, epoch == next.groupContext.epoch else { throw MLSGroupError.malformedState }
            var lists: [[GroupMember]] = []
            for _ in 0..<2 {
                lists.append(
                    try r.readVector { (v: inout WireReader) throws(WireFormatError) -> GroupMember in
                        GroupMember(leafIndex: try v.readUInt32(), credential: try v.read(Credential.self), signatureKey: try v.readOpaque())
                    })
            }
            let updated = try r.readVector { (v: inout WireReader) throws(WireFormatError) -> UInt32 in try v.readUInt32() }
            let hadPath = try r.readUInt8()
            guard hadPath <= 1 else { throw MLSGroupError.malformedState }
            let extensions = try r.readOptional { (o: inout WireReader) throws(WireFormatError) -> [Extension] in
                try o.readVector { (v: inout WireReader) throws(WireFormatError) -> Extension in try v.read(Extension.self) }
            }
            let psks = try r.readVector { (v: inout WireReader) throws(WireFormatError) -> PreSharedKeyID in try v.read(PreSharedKeyID.self) }
            let reInit = try r.readOptional { (o: inout WireReader) throws(WireFormatError) -> ReInit in try o.read(ReInit.self) }
            let welcome = try r.readOptional { (o: inout WireReader) throws(WireFormatError) -> MLSMessage in
                try MLSMessage(wireBytes: try o.readOpaque())
            }
            if let welcome {
                guard case .welcome(let value) = welcome.body, value.cipherSuite == crypto.cipherSuite else { throw MLSGroupError.malformedState }
            }
            self.init(
                message: message, next: next,
                summary: CommitSummary(
                    committer: committer, epoch: epoch, added: lists[0], removed: lists[1], updated: updated, hadPath: hadPath == 1,
                    isExternalJoin: false, newExtensions: extensions, psks: psks, reInit: reInit, removedUs: false),
                reInit: reInit, welcome: welcome)
        } catch let error as MLSGroupError {
            throw error
        } catch {
            throw .malformedState
        }
    }
}
