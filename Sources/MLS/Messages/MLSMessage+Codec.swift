public import WireFormat

extension MLSMessage: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        guard try reader.read(ProtocolVersion.self) == .mls10 else { throw .invalidValue("ProtocolVersion") }
        switch try reader.read(MLSWireFormat.self) {
        case .publicMessage: body = .publicMessage(try reader.read(PublicMessage.self))
        case .privateMessage: body = .privateMessage(try reader.read(PrivateMessage.self))
        case .welcome: body = .welcome(try reader.read(Welcome.self))
        case .groupInfo: body = .groupInfo(try reader.read(GroupInfo.self))
        case .keyPackage:
            let keyPackage = try reader.read(KeyPackageIn.self)
            // RFC 9420 §10: a KeyPackage's version must match the MLSMessage's.
            guard keyPackage.version == .mls10 else { throw .invalidValue("KeyPackage version") }
            body = .keyPackage(keyPackage)
        default: throw .invalidValue("WireFormat")
        }
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(version)
        writer.write(wireFormat)
        switch body {
        case .publicMessage(let message): writer.write(message)
        case .privateMessage(let message): writer.write(message)
        case .welcome(let welcome): writer.write(welcome)
        case .groupInfo(let groupInfo): writer.write(groupInfo)
        case .keyPackage(let keyPackage): writer.write(keyPackage)
        }
    }
}
