import WireFormat

// Small conveniences shared by the RFC 9420 message codecs: vectors of codable
// elements, and the closed-enum check every `select` on a type byte needs.

extension WireReader {
    /// `T values<V>` for a ``WireDecodable`` element type.
    mutating func readVector<T: WireDecodable>(of type: T.Type) throws(WireFormatError) -> [T] {
        try readVector { (reader: inout WireReader) throws(WireFormatError) -> T in try reader.read(T.self) }
    }

    /// `uint16 values<V>`.
    mutating func readUInt16Vector() throws(WireFormatError) -> [UInt16] {
        try readVector { (reader: inout WireReader) throws(WireFormatError) -> UInt16 in try reader.readUInt16() }
    }

    /// `uint32 values<V>`.
    mutating func readUInt32Vector() throws(WireFormatError) -> [UInt32] {
        try readVector { (reader: inout WireReader) throws(WireFormatError) -> UInt32 in try reader.readUInt32() }
    }

    /// `optional<T>` for a ``WireDecodable`` element type.
    mutating func readOptional<T: WireDecodable>(of type: T.Type) throws(WireFormatError) -> T? {
        try readOptional { (reader: inout WireReader) throws(WireFormatError) -> T in try reader.read(T.self) }
    }
}

extension WireWriter {
    /// `T values<V>` for a ``WireEncodable`` element type.
    mutating func writeVector<T: WireEncodable>(_ elements: [T]) {
        writeVector { (writer: inout WireWriter) in
            for element in elements { writer.write(element) }
        }
    }

    /// `uint16 values<V>`.
    mutating func writeUInt16Vector(_ elements: [UInt16]) {
        writeVector { (writer: inout WireWriter) in
            for element in elements { writer.write(element) }
        }
    }

    /// `uint32 values<V>`.
    mutating func writeUInt32Vector(_ elements: [UInt32]) {
        writeVector { (writer: inout WireWriter) in
            for element in elements { writer.write(element) }
        }
    }

    /// `optional<T>` for a ``WireEncodable`` element type.
    mutating func writeOptional<T: WireEncodable>(_ value: T?) {
        writeOptional(value) { (writer: inout WireWriter, element: T) in writer.write(element) }
    }
}
