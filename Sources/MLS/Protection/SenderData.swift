public import WireFormat

/// The encrypted sender of a PrivateMessage (RFC 9420 §6.3.2):
/// `struct { uint32 leaf_index; uint32 generation; opaque reuse_guard[4]; } SenderData`.
public struct SenderData: Hashable, Sendable, WireCodable {
    public var leafIndex: LeafIndex
    public var generation: UInt32
    /// Four fresh random bytes XORed into the content nonce (§6.3.1).
    public var reuseGuard: [UInt8]

    /// - Precondition: `reuseGuard` has four bytes.
    public init(leafIndex: LeafIndex, generation: UInt32, reuseGuard: [UInt8]) {
        precondition(reuseGuard.count == 4, "reuse_guard is four bytes")
        self.leafIndex = leafIndex
        self.generation = generation
        self.reuseGuard = reuseGuard
    }

    public init(from reader: inout WireReader) throws(WireFormatError) {
        leafIndex = LeafIndex(try reader.readUInt32())
        generation = try reader.readUInt32()
        reuseGuard = try reader.readBytes(count: 4)
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(leafIndex.value)
        writer.write(generation)
        writer.writeBytes(reuseGuard)
    }
}
