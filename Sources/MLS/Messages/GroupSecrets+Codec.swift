public import WireFormat

extension GroupSecrets: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        joinerSecret = Secret(bytes: try reader.readOpaque())
        // struct { opaque path_secret<V>; } PathSecret;
        pathSecret = try reader.readOptional { (r: inout WireReader) throws(WireFormatError) -> Secret in Secret(bytes: try r.readOpaque()) }
        psks = try reader.readVector(of: PreSharedKeyID.self)
    }

    public func encode(to writer: inout WireWriter) {
        writer.writeOpaque(joinerSecret.exportedBytes)
        writer.writeOptional(pathSecret) { (w: inout WireWriter, secret: Secret) in w.writeOpaque(secret.exportedBytes) }
        writer.writeVector(psks)
    }
}
