public import WireFormat

extension Update: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        leafNode = try reader.read(LeafNode.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(leafNode)
    }
}
