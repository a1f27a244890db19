public import WireFormat

extension Node: WireCodable {
    /// `NodeType node_type` (leaf(1), parent(2); anything else is rejected) and the node.
    public init(from reader: inout WireReader) throws(WireFormatError) {
        switch try reader.readUInt8() {
        case 1: self = .leaf(try reader.read(LeafNode.self))
        case 2: self = .parent(try reader.read(ParentNode.self))
        default: throw .invalidValue("NodeType")
        }
    }

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .leaf(let leaf):
            writer.write(UInt8(1))
            writer.write(leaf)
        case .parent(let parent):
            writer.write(UInt8(2))
            writer.write(parent)
        }
    }
}
