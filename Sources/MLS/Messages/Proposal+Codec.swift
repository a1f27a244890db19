public import WireFormat

extension Proposal: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        switch try reader.read(ProposalType.self) {
        case .add: self = .add(try reader.read(Add.self))
        case .update: self = .update(try reader.read(Update.self))
        case .remove: self = .remove(try reader.read(Remove.self))
        case .psk: self = .preSharedKey(try reader.read(PreSharedKey.self))
        case .reinit: self = .reInit(try reader.read(ReInit.self))
        case .externalInit: self = .externalInit(try reader.read(ExternalInit.self))
        case .groupContextExtensions: self = .groupContextExtensions(try reader.read(GroupContextExtensions.self))
        default: throw .invalidValue("unsupported proposal type")
        }
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(proposalType)
        switch self {
        case .add(let p): writer.write(p)
        case .update(let p): writer.write(p)
        case .remove(let p): writer.write(p)
        case .preSharedKey(let p): writer.write(p)
        case .reInit(let p): writer.write(p)
        case .externalInit(let p): writer.write(p)
        case .groupContextExtensions(let p): writer.write(p)
        }
    }
}
