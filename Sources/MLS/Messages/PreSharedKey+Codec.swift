public import WireFormat

extension PreSharedKey: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        psk = try reader.read(PreSharedKeyID.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(psk)
    }
}
