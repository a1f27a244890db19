public import WireFormat

extension Extension: WireCodable {
    public init(from reader: inout WireReader) throws(WireFormatError) {
        extensionType = try reader.read(ExtensionType.self)
        extensionData = try reader.readOpaque()
    }

    public func encode(to writer: inout WireWriter) {
        writer.write(extensionType)
        writer.writeOpaque(extensionData)
    }
}

extension WireReader {
    /// `Extension extensions<V>`, rejecting a list that holds two extensions of one type
    /// (RFC 9420 §13.4: "Any field containing a list of extensions MUST NOT have more than
    /// one extension of any given type").
    mutating func readExtensions() throws(WireFormatError) -> [Extension] {
        let extensions = try readVector(of: Extension.self)
        if extensions.count > 1 {
            var seen = Set<UInt16>()
            for e in extensions where !seen.insert(e.extensionType.rawValue).inserted {
                throw .invalidValue("duplicate extension type")
            }
        }
        return extensions
    }
}
