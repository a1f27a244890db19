public import WireFormat

extension Commit: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        proposals = try reader.readVector(of: ProposalOrRef.self)
        path = try reader.readOptional(of: UpdatePath.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeVector(proposals)
        writer.writeOptional(path)
    }
}
