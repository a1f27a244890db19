/// The summary of a group's state every member agrees on (RFC 9420 §8.1, `GroupContext`).
///
/// The key schedule consumes it encoded (``wireBytes``); GroupInfo carries it.
/// Decoding rejects any version but `mls10`. Its extensions must all be supported by every
/// member (RFC 9420 §13.4), which group validation checks, not the decoder.
public struct GroupContext: Hashable, Sendable {
    /// Always `mls10`: nothing else decodes.
    public var version: ProtocolVersion { .mls10 }
    public var cipherSuite: CipherSuite
    public var groupID: [UInt8]
    public var epoch: UInt64
    /// The root tree hash of the ratchet tree (RFC 9420 §7.8).
    public var treeHash: [UInt8]
    public var confirmedTranscriptHash: [UInt8]
    public var extensions: [Extension]

    public init(
        cipherSuite: CipherSuite,
        groupID: [UInt8],
        epoch: UInt64,
        treeHash: [UInt8],
        confirmedTranscriptHash: [UInt8],
        extensions: [Extension] = []
    ) {
        self.cipherSuite = cipherSuite
        self.groupID = groupID
        self.epoch = epoch
        self.treeHash = treeHash
        self.confirmedTranscriptHash = confirmedTranscriptHash
        self.extensions = extensions
    }
}
