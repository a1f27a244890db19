public import WireFormat

extension Add: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        keyPackage = try reader.read(KeyPackageIn.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(keyPackage)
    }
}
