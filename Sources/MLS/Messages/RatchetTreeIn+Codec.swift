public import WireFormat

extension RatchetTreeIn: WireCodable {
    /// Decodes a tree of at most ``defaultMaximumLeafCount`` leaves (see
    /// ``init(from:maximumLeafCount:)``).
    public init(from reader: inout WireReader) throws(WireFormatError) {
        try self.init(from: &reader, maximumLeafCount: Self.defaultMaximumLeafCount)
    }

    /// Decodes a tree of at most `maximumLeafCount` leaves, that is `2 * maximumLeafCount - 1`
    /// nodes (review M5). The count is checked before each node is decoded, so a hostile tree
    /// costs at most that many nodes of memory and work, whatever length its header claims.
    /// - Throws: ``WireFormatError/invalidValue(_:)`` for a larger tree or a malformed shape.
    public init(from reader: inout WireReader, maximumLeafCount: Int) throws(WireFormatError) {
        let maximumNodeCount = 2 * max(maximumLeafCount, 1) - 1
        var count = 0
        let nodes = try reader.readVector { (r: inout WireReader) throws(WireFormatError) -> Node? in
            count += 1
            guard count <= maximumNodeCount else { throw .invalidValue("ratchet_tree above the maximum leaf count") }
            return try r.readOptional(of: Node.self)
        }
        guard Self.hasValidShape(nodes) else { throw .invalidValue("ratchet_tree shape") }
        self.init(uncheckedNodes: nodes)
    }

    /// Decodes exactly `bytes` as a tree of at most `maximumLeafCount` leaves.
    public init(wireBytes bytes: [UInt8], maximumLeafCount: Int) throws(WireFormatError) {
        var reader = WireReader(bytes)
        try self.init(from: &reader, maximumLeafCount: maximumLeafCount)
        try reader.expectEnd()
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeVector { (w: inout WireWriter) in
            for node in nodes { w.writeOptional(node) }
        }
    }
}
