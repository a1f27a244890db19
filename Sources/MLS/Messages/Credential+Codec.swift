public import WireFormat

extension Credential: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        let type = try reader.read(CredentialType.self)
        switch type {
        case .basic:
            self = .basic(identity: try reader.readOpaque())
        case .x509:
            // struct { opaque cert_data<V>; } Certificate; Certificate certificates<V>;
            self = .x509(certificates: try reader.readVector { (r: inout WireReader) throws(WireFormatError) -> [UInt8] in try r.readOpaque() })
        default:
            // Kept opaque and rejected by validation, not by decoding (review L9).
            self = .unknown(type: type, data: try reader.readOpaque())
        }
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(credentialType)
        switch self {
        case .basic(let identity):
            writer.writeOpaque(identity)
        case .x509(let certificates):
            writer.writeVector { (w: inout WireWriter) in
                for certificate in certificates { w.writeOpaque(certificate) }
            }
        case .unknown(_, let data):
            writer.writeOpaque(data)
        }
    }
}
