public import WireFormat

extension Sender: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        switch try reader.readUInt8() {
        case 1: self = .member(leafIndex: try reader.readUInt32())
        case 2: self = .external(senderIndex: try reader.readUInt32())
        case 3: self = .newMemberProposal
        case 4: self = .newMemberCommit
        default: throw .invalidValue("SenderType")
        }
    }

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .member(let leafIndex):
            writer.write(UInt8(1))
            writer.write(leafIndex)
        case .external(let senderIndex):
            writer.write(UInt8(2))
            writer.write(senderIndex)
        case .newMemberProposal:
            writer.write(UInt8(3))
        case .newMemberCommit:
            writer.write(UInt8(4))
        }
    }
}
