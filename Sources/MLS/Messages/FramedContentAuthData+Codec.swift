public import WireFormat

extension FramedContentAuthData {
    /// Decodes the auth data of content of type `contentType` (the tag is there only for commits).
    public init(from reader: inout WireReader, contentType: ContentType) throws(WireFormatError) {
        signature = try reader.readOpaque()
        confirmationTag = contentType == .commit ? try reader.readOpaque() : nil
    }

    /// Encodes the auth data. The caller keeps `confirmationTag` consistent with the content
    /// type (the message types' initializers check it).
    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(signature)
        if let confirmationTag { writer.writeOpaque(confirmationTag) }
    }
}
