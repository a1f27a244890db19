import WireFormat

extension MessageProtection {
    /// `"MLS 1.0 FramedContentTBS"`, the SignContent label of every message signature (§6.1).
    static let framedContentTBSLabel = Array("MLS 1.0 FramedContentTBS".utf8)

    /// `SignContent { label = "MLS 1.0 FramedContentTBS"; content = FramedContentTBS }` (RFC 9420
    /// §5.1.2, §6.1), built in one buffer of the exact size.
    ///
    /// Review L10: for an application message the TBS length is computed first, so the TBS is
    /// written once, straight after the label and its length header, instead of being encoded
    /// into its own buffer and then copied behind the label. A 1 MiB message then costs one
    /// 1 MiB buffer here, not three or more. Proposals and commits (small, rare) take the plain
    /// path. `nil` when the TBS would not fit an MLS vector (2^30 bytes): such content cannot
    /// have a valid signature.
    func framedContentSignContent(_ content: FramedContent, wireFormat: MLSWireFormat) -> [UInt8]? {
        let includesContext: Bool
        switch content.sender {
        case .member, .newMemberCommit: includesContext = true
        case .external, .newMemberProposal: includesContext = false
        }
        guard case .application(let data) = content.body else {
            let tbs = framedContentTBS(content, wireFormat: wireFormat)
            guard tbs.count <= WireWriter.maximumLength else { return nil }
            return CryptoSuite.signContent(label: "FramedContentTBS", content: tbs)
        }
        let senderCount: Int
        switch content.sender {
        case .member, .external: senderCount = 5
        case .newMemberProposal, .newMemberCommit: senderCount = 1
        }
        // ProtocolVersion, WireFormat, then FramedContent field by field (RFC 9420 §6), then the context.
        let tbsCount =
            2 + 2
            + WireWriter.varintLengthSize(content.groupID.count) + content.groupID.count + 8 + senderCount
            + WireWriter.varintLengthSize(content.authenticatedData.count) + content.authenticatedData.count
            + 1 + WireWriter.varintLengthSize(data.count) + data.count
            + (includesContext ? encodedGroupContext.count : 0)
        guard tbsCount <= WireWriter.maximumLength else { return nil }
        let label = Self.framedContentTBSLabel
        var writer = WireWriter(reservingCapacity: 1 + label.count + 4 + tbsCount)
        writer.writeOpaque(label)
        writer.writeVarintLength(tbsCount)
        let start = writer.bytes.count
        writer.write(ProtocolVersion.mls10)
        writer.write(wireFormat)
        writer.write(content)
        if includesContext { writer.writeBytes(encodedGroupContext) }
        // The count above mirrors the encoders; should they ever disagree, fall back to the plain path.
        guard writer.bytes.count - start == tbsCount else {
            return CryptoSuite.signContent(label: "FramedContentTBS", content: framedContentTBS(content, wireFormat: wireFormat))
        }
        return writer.bytes
    }
}
