public import WireFormat

extension PublicMessage: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        content = try reader.read(FramedContent.self)
        auth = try FramedContentAuthData(from: &reader, contentType: content.contentType)
        if case .member = content.sender {
            membershipTag = try reader.readOpaque()
        } else {
            membershipTag = nil
        }
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(content)
        auth.encode(to: &writer)
        if let membershipTag { writer.writeOpaque(membershipTag) }
    }
}
