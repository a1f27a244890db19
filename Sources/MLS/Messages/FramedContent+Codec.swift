public import WireFormat

extension FramedContent.Body {
    /// Decodes the body `contentType` selects.
    init(from reader: inout WireReader, contentType: ContentType) throws(WireFormatError) {
        switch contentType {
        case .application: self = .application(try reader.readOpaque())
        case .proposal: self = .proposal(try reader.read(Proposal.self))
        case .commit: self = .commit(try reader.read(Commit.self))
        }
    }

    func encode(to writer: inout WireWriter) {
        switch self {
        case .application(let data): writer.writeOpaque(data)
        case .proposal(let proposal): writer.write(proposal)
        case .commit(let commit): writer.write(commit)
        }
    }
}

extension FramedContent: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        groupID = try reader.readOpaque()
        epoch = try reader.readUInt64()
        sender = try reader.read(Sender.self)
        authenticatedData = try reader.readOpaque()
        body = try FramedContent.Body(from: &reader, contentType: try reader.read(ContentType.self))
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(groupID)
        writer.write(epoch)
        writer.write(sender)
        writer.writeOpaque(authenticatedData)
        writer.write(body.contentType)
        body.encode(to: &writer)
    }
}
