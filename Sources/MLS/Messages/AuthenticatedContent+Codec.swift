public import WireFormat

extension AuthenticatedContent: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        wireFormat = try reader.read(MLSWireFormat.self)
        guard wireFormat == .publicMessage || wireFormat == .privateMessage else {
            throw .invalidValue("AuthenticatedContent wire_format")
        }
        content = try reader.read(FramedContent.self)
        auth = try FramedContentAuthData(from: &reader, contentType: content.contentType)
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(wireFormat)
        writer.write(content)
        auth.encode(to: &writer)
    }
}
