/// Binary Netpbm decoding: P6 (RGB) and P5 (grey), maxval 1...65535 (Netpbm `ppm(5)` / `pgm(5)`).
///
/// The decoder-independent PDQ test vectors are P6 files (`pdq/pixels/*.ppm`). Samples are scaled to
/// 8 bits as `round(v * 255 / maxval)` (the identity for maxval 255), except maxval
/// 65535, which gives `floor(v / 257)` like 16-bit PNG (ImageMagick's conversion).
/// Only the first image of a multi-image stream is read.
enum PPMDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        var reader = HeaderReader(bytes: bytes)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "P") else { throw .unknownFormat }
        let channels: Int
        switch bytes[1] {
        case UInt8(ascii: "6"): channels = 3
        case UInt8(ascii: "5"): channels = 1
        default: throw .unsupported("PPM: only binary P6 and P5 are supported")
        }
        reader.offset = 2
        let width = try reader.number()
        let height = try reader.number()
        let maxval = try reader.number()
        guard maxval >= 1, maxval <= 65535 else { throw .corrupt("PPM: maxval out of range") }
        // Exactly one whitespace byte separates the header from the raster.
        guard reader.offset < bytes.count else { throw .truncated("PPM: header is truncated") }
        guard isWhitespace(bytes[reader.offset]) else { throw .corrupt("PPM: malformed header") }
        reader.offset += 1
        try limits.check(width: width, height: height, format: "PPM")

        let bytesPerSample = maxval > 255 ? 2 : 1
        let samples = width * height * channels
        let rasterBytes = samples * bytesPerSample
        guard bytes.count - reader.offset >= rasterBytes else { throw .truncated("PPM: raster is truncated") }
        let raster = UnsafeBufferPointer(rebasing: bytes[reader.offset..<(reader.offset + rasterBytes)])

        var outOfRange = false
        let pixels = [UInt8](unsafeUninitializedCapacity: width * height * 3) { out, initialized in
            let pixelCount = width * height
            if bytesPerSample == 1 && maxval == 255 {
                if channels == 3 {
                    _ = out.initialize(from: raster)
                } else {
                    for index in 0..<pixelCount {
                        let grey = raster[index]
                        out[3 * index] = grey
                        out[3 * index + 1] = grey
                        out[3 * index + 2] = grey
                    }
                }
            } else {
                // round(v * 255 / maxval), integers only: (2 * v * 255 + maxval) / (2 * maxval).
                let scale = { (value: Int) -> UInt8 in
                    if value > maxval { outOfRange = true; return 255 }
                    if maxval == 65535 { return UInt8(value / 257) }
                    return UInt8((2 * value * 255 + maxval) / (2 * maxval))
                }
                func sample(_ index: Int) -> Int {
                    bytesPerSample == 1 ? Int(raster[index]) : Int(raster[2 * index]) << 8 | Int(raster[2 * index + 1])
                }
                for index in 0..<pixelCount {
                    if channels == 3 {
                        out[3 * index] = scale(sample(3 * index))
                        out[3 * index + 1] = scale(sample(3 * index + 1))
                        out[3 * index + 2] = scale(sample(3 * index + 2))
                    } else {
                        let grey = scale(sample(index))
                        out[3 * index] = grey
                        out[3 * index + 1] = grey
                        out[3 * index + 2] = grey
                    }
                }
            }
            initialized = pixelCount * 3
        }
        guard !outOfRange else { throw .corrupt("PPM: sample value larger than maxval") }
        return RGBImage(uncheckedWidth: width, height: height, pixels: pixels)
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
    }

    /// Reads the ASCII header: decimal numbers separated by whitespace, `#` comments to end of line.
    private struct HeaderReader {
        let bytes: UnsafeBufferPointer<UInt8>
        var offset = 0

        mutating func number() throws(ImageDecodingError) -> Int {
            // Skip whitespace and comments.
            while true {
                guard offset < bytes.count else { throw .truncated("PPM: header is truncated") }
                let byte = bytes[offset]
                if PPMDecoder.isWhitespace(byte) {
                    offset += 1
                } else if byte == UInt8(ascii: "#") {
                    while offset < bytes.count, bytes[offset] != 0x0A, bytes[offset] != 0x0D { offset += 1 }
                } else {
                    break
                }
            }
            var value = 0
            var digits = 0
            while offset < bytes.count, bytes[offset] >= UInt8(ascii: "0"), bytes[offset] <= UInt8(ascii: "9") {
                value = value * 10 + Int(bytes[offset] - UInt8(ascii: "0"))
                digits += 1
                offset += 1
                // Nine digits bound the value far below overflow and far above any real dimension.
                guard digits <= 9 else { throw .tooLarge("PPM: header number too large") }
            }
            guard digits > 0 else {
                if offset >= bytes.count { throw .truncated("PPM: header is truncated") }
                throw .corrupt("PPM: malformed header")
            }
            return value
        }
    }
}
