import CImageShims
import Foundation
import ImageDecoding
import TestVectors

enum Fixtures {
    static func bytes(_ relativePath: String) throws -> [UInt8] {
        [UInt8](try TestVectors.data(relativePath))
    }

    /// A binary P6 file.
    static func ppm(width: Int, height: Int, maxval: Int = 255, samples: [Int]) -> [UInt8] {
        var bytes = Array("P6\n\(width) \(height)\n\(maxval)\n".utf8)
        for sample in samples {
            if maxval > 255 {
                bytes.append(UInt8(sample >> 8))
                bytes.append(UInt8(sample & 0xFF))
            } else {
                bytes.append(UInt8(sample))
            }
        }
        return bytes
    }

    /// A deterministic, non-flat RGB test picture.
    static func picture(width: Int, height: Int) -> [UInt8] {
        var pixels: [UInt8] = []
        pixels.reserveCapacity(width * height * 3)
        for y in 0..<height {
            for x in 0..<width {
                pixels.append(UInt8((x * 255) / max(1, width - 1)))
                pixels.append(UInt8((y * 255) / max(1, height - 1)))
                pixels.append(UInt8(((x + 2 * y) * 255) / max(1, width + 2 * height - 3)))
            }
        }
        return pixels
    }

    /// libjpeg's encoder through CImageShims.
    static func jpeg(
        _ samples: [UInt8],
        width: Int,
        height: Int,
        components: Int = 3,
        ycck: Bool = false,
        quality: Int = 95,
        progressive: Bool = false,
        app1: [UInt8] = []
    ) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = samples.withUnsafeBufferPointer { samples in
            app1.withUnsafeBufferPointer { app1 in
                ll_jpeg_encode(
                    samples.baseAddress, UInt32(width), UInt32(height), Int32(components), ycck ? 1 : 0, Int32(quality),
                    progressive ? 1 : 0, app1.baseAddress, app1.count, &out, &size)
            }
        }
        precondition(status == 0 && out != nil, "test JPEG encoding failed")
        defer { ll_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// libpng's encoder through CImageShims; `rows` already in PNG's packed layout.
    static func png(
        rows: [UInt8],
        width: Int,
        height: Int,
        colorType: Int32,
        bitDepth: Int32,
        interlaced: Bool = false,
        palette: [UInt8] = [],
        trns: [UInt8] = [],
        exif: [UInt8] = []
    ) -> [UInt8] {
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = rows.withUnsafeBufferPointer { rows in
            palette.withUnsafeBufferPointer { palette in
                trns.withUnsafeBufferPointer { trns in
                    exif.withUnsafeBufferPointer { exif in
                        ll_png_encode(
                            rows.baseAddress, UInt32(width), UInt32(height), colorType, bitDepth, interlaced ? 1 : 0,
                            palette.baseAddress, Int32(palette.count / 3), trns.baseAddress, Int32(trns.count),
                            exif.baseAddress, UInt32(exif.count), &out, &size)
                    }
                }
            }
        }
        precondition(status == 0 && out != nil, "test PNG encoding failed")
        defer { ll_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }

    /// A minimal EXIF TIFF block (IFD0 with one Orientation entry).
    static func exifTIFF(orientation: Int, bigEndian: Bool = true) -> [UInt8] {
        func u16(_ value: Int) -> [UInt8] { bigEndian ? [UInt8(value >> 8), UInt8(value & 0xFF)] : [UInt8(value & 0xFF), UInt8(value >> 8)] }
        func u32(_ value: Int) -> [UInt8] { bigEndian ? u16(value >> 16) + u16(value & 0xFFFF) : u16(value & 0xFFFF) + u16(value >> 16) }
        var tiff: [UInt8] = bigEndian ? [0x4D, 0x4D] : [0x49, 0x49]
        tiff += u16(42) + u32(8)
        tiff += u16(1)  // one entry
        tiff += u16(0x0112) + u16(3) + u32(1) + u16(orientation) + u16(0)
        tiff += u32(0)  // no next IFD
        return tiff
    }

    static func maxChannelDifference(_ a: [UInt8], _ b: [UInt8]) -> Int {
        precondition(a.count == b.count)
        var worst = 0
        for index in a.indices { worst = max(worst, abs(Int(a[index]) - Int(b[index]))) }
        return worst
    }

    static func meanChannelDifference(_ a: [UInt8], _ b: [UInt8]) -> Double {
        precondition(a.count == b.count)
        var total = 0
        for index in a.indices { total += abs(Int(a[index]) - Int(b[index])) }
        return Double(total) / Double(max(1, a.count))
    }
}

/// A small deterministic generator (SplitMix64), so failures reproduce.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Hand-built PNG chunks and zlib streams, for files libpng's encoder will not write.
enum PNGChunks {
    /// CRC-32 as PNG uses it (ISO 15948 Annex D), over a chunk's type and data.
    static func crc32<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        return crc
    }

    /// One chunk: length, type, data, CRC.
    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typeBytes = Array(type.utf8)
        let length = UInt32(data.count)
        let crc = crc32(typeBytes + data)
        return [UInt8(length >> 24), UInt8((length >> 16) & 0xFF), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
            + typeBytes + data
            + [UInt8(crc >> 24), UInt8((crc >> 16) & 0xFF), UInt8((crc >> 8) & 0xFF), UInt8(crc & 0xFF)]
    }

    /// `png` with `chunks` inserted right after IHDR (signature 8 bytes + IHDR 25 bytes).
    static func inserting(_ chunks: [[UInt8]], into png: [UInt8]) -> [UInt8] {
        Array(png[..<33]) + chunks.joined() + Array(png[33...])
    }

    /// A zlib stream (RFC 1950/1951) of `count` copies of `byte`: one literal, then fixed-Huffman
    /// back-references of length 258 at distance 1 (13 bits each, about 160:1), as a bomb would use.
    static func zlibRepeating(_ byte: UInt8, count: Int) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var bitBuffer: UInt32 = 0
        var bitCount = 0
        func put(_ value: UInt32, _ bits: Int) {  // LSB first
            bitBuffer |= value << UInt32(bitCount)
            bitCount += bits
            while bitCount >= 8 {
                out.append(UInt8(bitBuffer & 0xFF))
                bitBuffer >>= 8
                bitCount -= 8
            }
        }
        func putCode(_ code: UInt32, _ bits: Int) {  // Huffman codes go MSB first
            var reversed: UInt32 = 0
            for bit in 0..<bits { reversed |= ((code >> UInt32(bit)) & 1) << UInt32(bits - 1 - bit) }
            put(reversed, bits)
        }
        func literal(_ value: UInt8) { putCode(0x30 + UInt32(value), 8) }  // literals 0...143
        put(1, 1)  // BFINAL
        put(1, 2)  // BTYPE = fixed Huffman
        var remaining = count
        if remaining > 0 {
            literal(byte)
            remaining -= 1
        }
        while remaining >= 258 {
            putCode(0xC5, 8)  // length symbol 285 = 258
            putCode(0, 5)  // distance code 0 = 1
            remaining -= 258
        }
        for _ in 0..<remaining { literal(byte) }
        putCode(0, 7)  // end of block (256)
        if bitCount > 0 { put(0, 8 - bitCount) }
        var a: UInt32 = 1
        var b: UInt32 = 0
        for _ in 0..<count {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        let adler = b << 16 | a
        return out + [UInt8(adler >> 24), UInt8((adler >> 16) & 0xFF), UInt8((adler >> 8) & 0xFF), UInt8(adler & 0xFF)]
    }
}
