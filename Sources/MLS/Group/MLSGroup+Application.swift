import WireFormat

extension MLSGroup {
    /// The largest application message ``encrypt(_:authenticatedData:)`` accepts: the content
    /// and its padding must fit one MLS vector (2^30 - 1 bytes) with room for the signature.
    public static let maximumApplicationDataLength = (1 << 30) - 1 - 64 * 1024

    /// Encrypts application data as a PrivateMessage of the current epoch (RFC 9420 §6.3),
    /// signed by this member and padded to the configured block size.
    ///
    /// Refused while proposals are pending in the epoch (§12.4: "A group member that has
    /// observed one or more valid proposals within an epoch MUST send a Commit message before
    /// sending application data", so that a member whose removal was proposed reads nothing
    /// more): commit first (or process another member's Commit).
    /// - Throws: ``MLSGroupError/invalidArgument`` when `data` is too large,
    ///   ``MLSGroupError/commitRequired`` while proposals are pending.
    public mutating func encrypt(_ data: [UInt8], authenticatedData: [UInt8] = []) throws(MLSGroupError) -> MLSMessage {
        try requireActive()
        guard proposalCache.isEmpty else { throw .commitRequired }
        guard data.count <= Self.maximumApplicationDataLength, authenticatedData.count <= 64 * 1024 else { throw .invalidArgument }
        let content = FramedContent(
            groupID: groupID, epoch: epochNumber, sender: .member(leafIndex: epoch.ourLeaf), authenticatedData: authenticatedData,
            body: .application(data))
        let (tbs, signature) = try sign(content, wireFormat: .privateMessage, in: epoch)
        let auth = FramedContentAuthData(signature: signature, confirmationTag: nil)
        return try seal(content, tbs: tbs, auth: auth, wireFormat: .privateMessage, paddingLength: paddingLength(for: data.count + signature.count))
    }

    /// Zero bytes to add so that the content reaches a multiple of the padding block (§6.3.1).
    func paddingLength(for size: Int) -> Int {
        let block = configuration.paddingBlockSize
        guard block > 1 else { return 0 }
        return (block - size % block) % block
    }

    /// Sends a proposal of this member (§12.1) as a PublicMessage or, when `encrypted`, a
    /// PrivateMessage, and caches it so this member's next Commit covers it by reference.
    /// Updates go through ``proposeUpdate(encrypted:)``, which makes the new leaf and keeps its
    /// private key (an Update passed here throws ``MLSGroupError/invalidArgument``).
    public mutating func propose(_ proposal: Proposal, encrypted: Bool = false) throws(MLSGroupError) -> MLSMessage {
        try requireActive()
        if case .update = proposal { throw .invalidArgument }
        return try sendProposal(proposal, encrypted: encrypted)
    }

    /// Signs, seals and caches one of our proposals, checked as a receiver would check it.
    mutating func sendProposal(_ proposal: Proposal, encrypted: Bool) throws(MLSGroupError) -> MLSMessage {
        try checkProposalOnItsOwn(proposal, sender: .member(leafIndex: epoch.ourLeaf))
        let wireFormat: MLSWireFormat = encrypted ? .privateMessage : .publicMessage
        let content = FramedContent(
            groupID: groupID, epoch: epochNumber, sender: .member(leafIndex: epoch.ourLeaf), authenticatedData: [], body: .proposal(proposal))
        let (tbs, signature) = try sign(content, wireFormat: wireFormat, in: epoch)
        let auth = FramedContentAuthData(signature: signature, confirmationTag: nil)
        let message = try seal(content, tbs: tbs, auth: auth, wireFormat: wireFormat)
        let reference = crypto.makeProposalRef(AuthenticatedContent(wireFormat: wireFormat, content: content, auth: auth).wireBytes)
        guard proposalCache.proposals.count < configuration.maximumCachedProposals else { throw .proposalCacheFull }
        proposalCache.insert(CachedProposal(reference: reference, proposal: proposal, sender: content.sender))
        return message
    }

    /// A fresh PreSharedKeyID for the external PSK `pskID`, with a random `KDF.Nh`-byte nonce (§8.4).
    public func externalPSKID(_ pskID: [UInt8]) -> PreSharedKeyID {
        PreSharedKeyID(kind: .external(pskID: pskID), nonce: configuration.random.randomBytes(count: crypto.hashLength))
    }

    /// A fresh PreSharedKeyID for this group's resumption PSK of `epoch` (usage `application`).
    public func resumptionPSKID(epoch: UInt64) -> PreSharedKeyID {
        PreSharedKeyID(
            kind: .resumption(usage: .application, groupID: groupID, epoch: epoch), nonce: configuration.random.randomBytes(count: crypto.hashLength))
    }
}
