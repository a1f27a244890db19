import Testing
import WireFormat

@Suite struct WireReaderTests {
    // MARK: Variable-length header (RFC 9420 §2.1.2)

    @Test(arguments: [
        ([0x00], 0), ([0x3f], 63), ([0x40, 0x40], 64), ([0x7f, 0xff], 16383),
        ([0x80, 0x00, 0x40, 0x00], 16384), ([0xbf, 0xff, 0xff, 0xff], (1 << 30) - 1),
    ] as [([UInt8], Int)])
    func decodesMinimalHeaders(header: [UInt8], length: Int) throws {
        var reader = WireReader(header)
        #expect(try reader.readVarintLength() == length)
        #expect(reader.isAtEnd)
    }

    @Test(arguments: [
        [0x40, 0x00], [0x40, 0x3f], [0x80, 0x00, 0x00, 0x00], [0x80, 0x00, 0x00, 0x3f], [0x80, 0x00, 0x3f, 0xff],
    ] as [[UInt8]])
    func rejectsNonMinimalHeaders(header: [UInt8]) {
        var reader = WireReader(header)
        #expect(throws: WireFormatError.nonMinimalLength) { try reader.readVarintLength() }
    }

    @Test(arguments: [[0xc0], [0xc0, 0, 0, 0, 0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff]] as [[UInt8]])
    func rejectsReservedPrefix(header: [UInt8]) {
        var reader = WireReader(header)
        #expect(throws: WireFormatError.invalidLengthPrefix) { try reader.readVarintLength() }
    }

    @Test(arguments: [[], [0x40], [0x80, 0x00, 0x40]] as [[UInt8]])
    func rejectsTruncatedHeaders(header: [UInt8]) {
        var reader = WireReader(header)
        #expect(throws: WireFormatError.truncated) { try reader.readVarintLength() }
    }

    // MARK: Integers and fixed data

    @Test func readsBigEndianIntegers() throws {
        var reader = WireReader([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f])
        #expect(try reader.readUInt8() == 0x01)
        #expect(try reader.readUInt16() == 0x0203)
        #expect(try reader.readUInt32() == 0x0405_0607)
        #expect(try reader.readUInt64() == 0x0809_0a0b_0c0d_0e0f)
        #expect(reader.isAtEnd)
        #expect(throws: WireFormatError.truncated) { try reader.readUInt8() }
    }

    @Test func integersPastTheEndAreTruncated() {
        var reader = WireReader([0x01, 0x02, 0x03])
        #expect(throws: WireFormatError.truncated) { try reader.readUInt32() }
        var reader64 = WireReader([UInt8](repeating: 0, count: 7))
        #expect(throws: WireFormatError.truncated) { try reader64.readUInt64() }
        var reader16 = WireReader([0x01])
        #expect(throws: WireFormatError.truncated) { try reader16.readUInt16() }
    }

    @Test func fixedBytesRespectTheEnd() throws {
        var reader = WireReader([1, 2, 3])
        #expect(try reader.readBytes(count: 0) == [])
        #expect(throws: WireFormatError.truncated) { try reader.readBytes(count: 4) }
        #expect(throws: WireFormatError.truncated) { try reader.readBytes(count: -1) }
        #expect(try reader.readBytes(count: 3) == [1, 2, 3])
    }

    // MARK: Opaque and vectors

    @Test func opaqueLengthPastTheEndIsTruncated() {
        var reader = WireReader([0x05, 1, 2, 3, 4])
        #expect(throws: WireFormatError.truncated) { try reader.readOpaque() }
        var huge = WireReader([0xbf, 0xff, 0xff, 0xff, 0x00])
        #expect(throws: WireFormatError.truncated) { try huge.readOpaque() }
    }

    @Test func vectorElementsMustExactlyFillTheLength() throws {
        // Three bytes declared, elements are uint16: the second element runs past the vector.
        var reader = WireReader([0x03, 0x00, 0x01, 0x00, 0x02])
        #expect(throws: WireFormatError.truncated) {
            try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readUInt16() }
        }
        var exact = WireReader([0x04, 0x00, 0x01, 0x00, 0x02])
        let values = try exact.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readUInt16() }
        #expect(values == [1, 2])
        #expect(exact.isAtEnd)
    }

    @Test func vectorLengthPastTheEndIsTruncated() {
        var reader = WireReader([0x04, 0x00, 0x01])
        #expect(throws: WireFormatError.truncated) {
            try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readUInt16() }
        }
    }

    @Test func nestedVectorCannotReadPastItsParent() {
        // Outer vector of 2 bytes holds an inner opaque claiming 3 bytes; the input has more after it.
        var reader = WireReader([0x02, 0x03, 0xaa, 0xbb, 0xcc])
        #expect(throws: WireFormatError.truncated) {
            try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readOpaque() }
        }
    }

    @Test func zeroSizeElementsAreRejectedNotLoopedOn() {
        var reader = WireReader([0x01, 0x00])
        #expect(throws: WireFormatError.invalidValue("zero-length vector element")) {
            try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readBytes(count: 0) }
        }
    }

    @Test func vectorBodyMustBeConsumed() throws {
        var reader = WireReader([0x02, 0x01, 0x02])
        #expect(throws: WireFormatError.trailingBytes) {
            try reader.readVectorBody { (r: inout WireReader) throws(WireFormatError) in try r.readUInt8() }
        }
        var ok = WireReader([0x02, 0x01, 0x02])
        let body = try ok.readVectorBody { (r: inout WireReader) throws(WireFormatError) in try r.readUInt16() }
        #expect(body == 0x0102)
    }

    @Test func limitIsRestoredAfterAVector() throws {
        var reader = WireReader([0x01, 0x07, 0x09])
        _ = try reader.readVector { (r: inout WireReader) throws(WireFormatError) in try r.readUInt8() }
        #expect(reader.remainingCount == 1)
        #expect(try reader.readUInt8() == 9)
    }

    // MARK: Optional (§2.1.3)

    @Test func optionalFlagMustBeZeroOrOne() throws {
        var absent = WireReader([0x00])
        #expect(try absent.readOptional { (r: inout WireReader) throws(WireFormatError) in try r.readUInt8() } == nil)
        var present = WireReader([0x01, 0x2a])
        #expect(try present.readOptional { (r: inout WireReader) throws(WireFormatError) in try r.readUInt8() } == 42)
        for flag: UInt8 in [2, 0x80, 0xff] {
            var bad = WireReader([flag, 0x2a])
            #expect(throws: WireFormatError.invalidValue("optional presence flag")) {
                try bad.readOptional { (r: inout WireReader) throws(WireFormatError) in try r.readUInt8() }
            }
        }
        var truncated = WireReader([0x01])
        #expect(throws: WireFormatError.truncated) {
            try truncated.readOptional { (r: inout WireReader) throws(WireFormatError) in try r.readUInt8() }
        }
    }

    // MARK: Trailing bytes

    @Test func expectEndRejectsTrailingBytes() throws {
        var reader = WireReader([0x01, 0x02])
        _ = try reader.readUInt8()
        #expect(throws: WireFormatError.trailingBytes) { try reader.expectEnd() }
        _ = try reader.readUInt8()
        try reader.expectEnd()
    }

    @Test func errorDescriptionsCarryNoData() {
        let error = WireFormatError.invalidValue("cipher_suite")
        #expect(error.description == "wire format: invalid value for cipher_suite")
        #expect(WireFormatError.truncated != WireFormatError.trailingBytes)
    }
}
