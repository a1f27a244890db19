public import WireFormat

extension ParentNode: WireCodable {
    /// Decodes a ParentNode; `unmerged_leaves` MUST be sorted in increasing order
    /// (RFC 9420 §7.1), so an unsorted or repeating list is rejected here.
    public init(from reader: inout WireReader) throws(WireFormatError) {
        encryptionKey = try reader.readOpaque()
        parentHash = try reader.readOpaque()
        unmergedLeaves = try reader.readUInt32Vector()
        for i in unmergedLeaves.indices.dropFirst() where unmergedLeaves[i - 1] >= unmergedLeaves[i] {
            throw .invalidValue("unmerged_leaves not strictly increasing")
        }
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(encryptionKey)
        writer.writeOpaque(parentHash)
        writer.writeUInt32Vector(unmergedLeaves)
    }
}
