public import WireFormat

extension LetterlockIdentity: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        guard try reader.readUInt8() == Self.encodingVersion else {
            throw .invalidValue("LetterlockIdentity encoding_version")
        }
        let account = try reader.readBytes(count: Self.identifierLength)
        let device = try reader.readBytes(count: Self.identifierLength)
        self.init(uncheckedAccountID: account, deviceID: device)
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(Self.encodingVersion)
        writer.writeBytes(accountID)
        writer.writeBytes(deviceID)
    }
}
