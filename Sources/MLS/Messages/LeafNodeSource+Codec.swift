public import WireFormat

extension LeafNodeSource: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        switch try reader.readUInt8() {
        case 1: self = .keyPackage(try reader.read(Lifetime.self))
        case 2: self = .update
        case 3: self = .commit(parentHash: try reader.readOpaque())
        default: throw .invalidValue("LeafNodeSource")
        }
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(rawValue)
        switch self {
        case .keyPackage(let lifetime): writer.write(lifetime)
        case .update: break
        case .commit(let parentHash): writer.writeOpaque(parentHash)
        }
    }
}
