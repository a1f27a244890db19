public import WireFormat

extension PrivateMessageContent {
    /// Decodes a decrypted PrivateMessageContent of type `contentType`. The padding is
    /// every byte after the auth data and MUST be all zeros (RFC 9420 §6.3.1); a non-zero
    /// byte makes the message malformed.
    public init(decoding plaintext: [UInt8], contentType: ContentType) throws(WireFormatError) {
        var reader = WireReader(plaintext)
        body = try FramedContent.Body(from: &reader, contentType: contentType)
        auth = try FramedContentAuthData(from: &reader, contentType: contentType)
        let padding = try reader.readBytes(count: reader.remainingCount)
        // Accumulate rather than exit early: the padding length is public, its contents must not leak timing.
        var nonZero: UInt8 = 0
        for byte in padding { nonZero |= byte }
        guard nonZero == 0 else { throw .invalidValue("non-zero padding") }
        paddingLength = padding.count
    }

    /// The plaintext: body, auth data, then `paddingLength` zero bytes.
    public var encoded: [UInt8] {
        var writer = WireWriter(reservingCapacity: body.sizeHint + auth.signature.count + (auth.confirmationTag?.count ?? 0) + paddingLength + 16)
        body.encode(to: &writer)
        auth.encode(to: &writer)
        writer.writeBytes(repeatElement(UInt8(0), count: paddingLength))
        return writer.bytes
    }
}
