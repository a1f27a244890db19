/// The two transcript hashes (RFC 9420 §8.2), updated by each Commit.
///
/// ```
/// confirmed_transcript_hash_[n] = Hash(interim_transcript_hash_[n-1] || ConfirmedTranscriptHashInput_[n])
/// interim_transcript_hash_[n]   = Hash(confirmed_transcript_hash_[n] || InterimTranscriptHashInput_[n])
/// ```
///
/// where `ConfirmedTranscriptHashInput = { WireFormat wire_format; FramedContent content; opaque signature<V> }`
/// (the Commit's AuthenticatedContent without its confirmation tag) and
/// `InterimTranscriptHashInput = { MAC confirmation_tag }`. Inputs are taken encoded.
public struct TranscriptHashes: Sendable, Hashable {
    public var confirmed: [UInt8]
    public var interim: [UInt8]

    public init(confirmed: [UInt8], interim: [UInt8]) {
        self.confirmed = confirmed
        self.interim = interim
    }

    /// `confirmed_transcript_hash_[n]` from the previous interim hash and the encoded
    /// ConfirmedTranscriptHashInput of the Commit.
    public static func confirmed(crypto: CryptoSuite, interimBefore: [UInt8], confirmedInput: [UInt8]) -> [UInt8] {
        var buffer = interimBefore
        buffer.append(contentsOf: confirmedInput)
        return crypto.hash(buffer)
    }

    /// `interim_transcript_hash_[n]` from the new confirmed hash and the Commit's confirmation tag.
    public static func interim(crypto: CryptoSuite, confirmed: [UInt8], confirmationTag: [UInt8]) -> [UInt8] {
        var buffer = confirmed
        buffer.reserveCapacity(confirmed.count + 4 + confirmationTag.count)
        CryptoSuite.appendVarintLength(confirmationTag.count, to: &buffer)
        buffer.append(contentsOf: confirmationTag)
        return crypto.hash(buffer)
    }

    /// Both hashes after a Commit: `interimBefore` is the previous epoch's interim hash.
    public static func update(
        crypto: CryptoSuite, interimBefore: [UInt8], confirmedInput: [UInt8], confirmationTag: [UInt8]
    ) -> TranscriptHashes {
        let confirmed = confirmed(crypto: crypto, interimBefore: interimBefore, confirmedInput: confirmedInput)
        return TranscriptHashes(confirmed: confirmed, interim: interim(crypto: crypto, confirmed: confirmed, confirmationTag: confirmationTag))
    }
}
