public import WireFormat

extension PreSharedKeyID: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        switch try reader.readUInt8() {
        case 1:
            kind = .external(pskID: try reader.readOpaque())
        case 2:
            guard let usage = ResumptionPSKUsage(rawValue: try reader.readUInt8()) else {
                throw .invalidValue("ResumptionPSKUsage")
            }
            kind = .resumption(usage: usage, groupID: try reader.readOpaque(), epoch: try reader.readUInt64())
        default:
            throw .invalidValue("PSKType")
        }
        nonce = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        switch kind {
        case .external(let pskID):
            writer.write(UInt8(1))
            writer.writeOpaque(pskID)
        case .resumption(let usage, let groupID, let epoch):
            writer.write(UInt8(2))
            writer.write(usage.rawValue)
            writer.writeOpaque(groupID)
            writer.write(epoch)
        }
        writer.writeOpaque(nonce)
    }
}
