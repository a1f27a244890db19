public import WireFormat

extension ProposalOrRef: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        switch try reader.readUInt8() {
        case 1: self = .proposal(try reader.read(Proposal.self))
        case 2: self = .reference(try reader.readOpaque())
        default: throw .invalidValue("ProposalOrRefType")
        }
    }

    public func encode(to writer: inout WireWriter) {
        switch self {
        case .proposal(let proposal):
            writer.write(UInt8(1))
            writer.write(proposal)
        case .reference(let reference):
            writer.write(UInt8(2))
            writer.writeOpaque(reference)
        }
    }
}
