public import WireFormat

extension GroupSecrets: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        joinerSecret = try reader.readOpaque()
        // struct { opaque path_secret<V>; } PathSecret;
        pathSecret = try reader.readOptional { (r: inout WireReader) throws(WireFormatError) -> [UInt8] in try r.readOpaque() }
        psks = try reader.readVector(of: PreSharedKeyID.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(joinerSecret)
        writer.writeOptional(pathSecret) { (w: inout WireWriter, secret: [UInt8]) in w.writeOpaque(secret) }
        writer.writeVector(psks)
    }
}
