import Testing
import WireFormat

/// A struct standing in for an MLS message: `uint16 id; opaque data<V>; optional<uint32> n; uint16 list<V>`.
private struct Sample: WireCodable, Equatable {
    var id: UInt16
    var data: [UInt8]
    var number: UInt32?
    var list: [UInt16]

    init(id: UInt16, data: [UInt8], number: UInt32?, list: [UInt16]) {
        self.id = id
        self.data = data
        self.number = number
        self.list = list
    }

    init(from reader: inout WireReader) throws(WireFormatError) {
        id = try reader.readUInt16()
        data = try reader.readOpaque()
        number = try reader.readOptional { (r: inout WireReader) throws(WireFormatError) in try r.readUInt32() }
        list = try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readUInt16() }
    }

    func encode(to writer: inout WireWriter) {
        writer.write(id)
        writer.writeOpaque(data)
        writer.writeOptional(number) { w, n in w.write(n) }
        writer.writeVector { w in for item in list { w.write(item) } }
    }
}

@Suite struct WireWriterTests {
    @Test(arguments: [0, 1, 63, 64, 255, 16383, 16384, 65535, (1 << 30) - 1])
    func headerRoundTripsAndIsMinimal(length: Int) throws {
        var writer = WireWriter()
        writer.writeVarintLength(length)
        #expect(writer.bytes.count == WireWriter.varintLengthSize(length))
        var reader = WireReader(writer.bytes)
        #expect(try reader.readVarintLength() == length)
        try reader.expectEnd()
    }

    @Test func validateLengthRejectsOutOfRange() throws {
        try WireWriter.validateLength((1 << 30) - 1)
        #expect(throws: WireFormatError.lengthTooLarge) { try WireWriter.validateLength(1 << 30) }
        #expect(throws: WireFormatError.lengthTooLarge) { try WireWriter.validateLength(-1) }
    }

    @Test func integersAreBigEndian() {
        var writer = WireWriter()
        writer.write(UInt8(0x01))
        writer.write(UInt16(0x0203))
        writer.write(UInt32(0x0405_0607))
        writer.write(UInt64(0x0809_0a0b_0c0d_0e0f))
        #expect(writer.bytes == Array(1...15))
    }

    @Test(arguments: [0, 1, 63, 64, 100, 16383, 16384, 70000])
    func structRoundTrips(size: Int) throws {
        let sample = Sample(
            id: 0xbeef, data: (0..<size).map { UInt8(truncatingIfNeeded: $0) }, number: size.isMultiple(of: 2) ? UInt32(size) : nil,
            list: (0..<(size / 8)).map { UInt16(truncatingIfNeeded: $0) })
        let bytes = sample.wireBytes
        #expect(try Sample(wireBytes: bytes) == sample)
        #expect(throws: WireFormatError.trailingBytes) { try Sample(wireBytes: bytes + [0]) }
        #expect(throws: WireFormatError.truncated) { try Sample(wireBytes: Array(bytes.dropLast())) }
    }

    @Test func nestedVectorsGetTheirOwnHeaders() throws {
        var writer = WireWriter()
        writer.writeVector { outer in
            outer.writeOpaque([1, 2])
            outer.writeVector { inner in inner.writeBytes([UInt8](repeating: 7, count: 70)) }
        }
        // outer: header(3 + 72 = 75 -> 2 bytes) | 02 01 02 | 40 46 + 70 bytes
        #expect(Array(writer.bytes.prefix(7)) == [0x40, 75, 0x02, 0x01, 0x02, 0x40, 70])
        var reader = WireReader(writer.bytes)
        let parts = try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readOpaque() }
        #expect(parts.map(\.count) == [2, 70])
        try reader.expectEnd()
    }

    @Test func optionalEncodesPresenceFlag() {
        var writer = WireWriter()
        writer.writeOptional(UInt8?.none) { w, v in w.write(v) }
        writer.writeOptional(UInt8?.some(9)) { w, v in w.write(v) }
        #expect(writer.bytes == [0, 1, 9])
    }
}
