public import WireFormat

extension HPKECiphertext: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        kemOutput = try reader.readOpaque()
        ciphertext = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(kemOutput)
        writer.writeOpaque(ciphertext)
    }
}
