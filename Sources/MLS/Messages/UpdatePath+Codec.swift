public import WireFormat

extension UpdatePath: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        leafNode = try reader.read(LeafNode.self)
        nodes = try reader.readVector(of: UpdatePathNode.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(leafNode)
        writer.writeVector(nodes)
    }
}
