import WireFormat

extension TranscriptHashes {
    /// `ConfirmedTranscriptHashInput { WireFormat wire_format; FramedContent content; opaque signature<V>; }`
    /// of a Commit's AuthenticatedContent (§8.2): everything but the confirmation tag.
    public static func confirmedInput(of content: AuthenticatedContent) -> [UInt8] {
        var writer = WireWriter()
        writer.write(content.wireFormat)
        writer.write(content.content)
        writer.writeOpaque(content.auth.signature)
        return writer.bytes
    }

    /// Both hashes after the Commit `content`, which must carry its confirmation tag.
    /// - Throws: ``MLSCryptoError/invalidArgument(_:)`` when `content` is not a Commit with a confirmation tag.
    public static func update(
        crypto: CryptoSuite, interimBefore: [UInt8], commit content: AuthenticatedContent
    ) throws(MLSCryptoError) -> TranscriptHashes {
        guard content.content.contentType == .commit, let tag = content.auth.confirmationTag else {
            throw .invalidArgument("transcript hashes need a Commit with a confirmation tag")
        }
        return update(crypto: crypto, interimBefore: interimBefore, confirmedInput: confirmedInput(of: content), confirmationTag: tag)
    }
}
