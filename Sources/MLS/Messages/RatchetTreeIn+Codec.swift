public import WireFormat

extension RatchetTreeIn: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        let nodes = try reader.readVector { (r: inout WireReader) throws(WireFormatError) -> Node? in
            try r.readOptional(of: Node.self)
        }
        guard Self.hasValidShape(nodes) else { throw .invalidValue("ratchet_tree shape") }
        self.init(uncheckedNodes: nodes)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeVector { (w: inout WireWriter) in
            for node in nodes { w.writeOptional(node) }
        }
    }
}
