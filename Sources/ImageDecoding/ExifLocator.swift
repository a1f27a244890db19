/// Finds the EXIF block in a JPEG, PNG or WebP container and reads its orientation.
///
/// Walks container structure only (segment and chunk headers), never pixel data; every length is
/// bounds-checked, so a malformed container gives `nil` rather than a failure: orientation is advisory
/// and a file the pixel decoder accepts is never rejected for bad metadata.
enum ExifLocator {
    static func orientation(in bytes: UnsafeBufferPointer<UInt8>, format: ImageFormat) -> ExifOrientation? {
        guard let tiff = exifTIFF(in: bytes, format: format) else { return nil }
        return ExifOrientation(exifTIFF: tiff)
    }

    static func exifTIFF(in bytes: UnsafeBufferPointer<UInt8>, format: ImageFormat) -> Slice<UnsafeBufferPointer<UInt8>>? {
        switch format {
        case .jpeg: return jpegExif(bytes)
        case .png: return pngExif(bytes)
        case .webp: return webpExif(bytes)
        case .ppm: return nil
        }
    }

    private static let exifPrefix: [UInt8] = [0x45, 0x78, 0x69, 0x66, 0x00, 0x00]  // "Exif\0\0"

    private static func hasPrefix(_ slice: Slice<UnsafeBufferPointer<UInt8>>, _ prefix: [UInt8]) -> Bool {
        slice.count >= prefix.count && zip(slice, prefix).allSatisfy { $0 == $1 }
    }

    /// JPEG (ITU T.81 B.1.1): markers with 16-bit big-endian lengths up to the first SOS. EXIF is APP1.
    private static func jpegExif(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>>? {
        var offset = 2
        while offset < bytes.count {
            guard bytes[offset] == 0xFF else { return nil }
            while offset < bytes.count, bytes[offset] == 0xFF { offset += 1 }  // fill bytes
            guard offset < bytes.count else { return nil }
            let marker = bytes[offset]
            offset += 1
            switch marker {
            case 0x01, 0xD0...0xD8: continue  // standalone markers
            case 0xD9, 0xDA: return nil  // EOI, SOS: metadata is over
            default: break
            }
            guard offset + 2 <= bytes.count else { return nil }
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            guard length >= 2, offset + length <= bytes.count else { return nil }
            let payload = bytes[(offset + 2)..<(offset + length)]
            if marker == 0xE1, hasPrefix(payload, exifPrefix) {
                return payload.dropFirst(exifPrefix.count)
            }
            offset += length
        }
        return nil
    }

    /// PNG (ISO 15948 §5.3, eXIf from the PNG 1.5 extensions): length, type, data, CRC.
    private static func pngExif(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>>? {
        var offset = 8
        while offset + 8 <= bytes.count {
            // Read as UInt32: `Int(b) << 24` is negative where Int is 32 bits (security review L9).
            let raw = UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16 | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
            let type = Array(bytes[(offset + 4)..<(offset + 8)])
            let dataStart = offset + 8
            guard let length = Int(exactly: raw), length <= bytes.count - dataStart else { return nil }
            if type == Array("eXIf".utf8) { return bytes[dataStart..<(dataStart + length)] }
            if type == Array("IEND".utf8) { return nil }
            offset = dataStart + length + 4
        }
        return nil
    }

    /// WebP (RIFF container, RFC 9649 §2.7): little-endian sizes, chunks padded to even length.
    private static func webpExif(_ bytes: UnsafeBufferPointer<UInt8>) -> Slice<UnsafeBufferPointer<UInt8>>? {
        var offset = 12
        while offset + 8 <= bytes.count {
            let raw = UInt32(bytes[offset + 4]) | UInt32(bytes[offset + 5]) << 8 | UInt32(bytes[offset + 6]) << 16 | UInt32(bytes[offset + 7]) << 24
            let dataStart = offset + 8
            guard let size = Int(exactly: raw), size <= bytes.count - dataStart else { return nil }
            if Array(bytes[offset..<(offset + 4)]) == Array("EXIF".utf8) {
                let payload = bytes[dataStart..<(dataStart + size)]
                // Some writers keep the JPEG-style prefix inside the chunk.
                return hasPrefix(payload, exifPrefix) ? payload.dropFirst(exifPrefix.count) : payload
            }
            offset = dataStart + size + (size & 1)
        }
        return nil
    }
}

extension ImageDecoder {
    /// The EXIF orientation recorded in a JPEG, PNG or WebP file, without decoding its pixels.
    /// `nil` when there is none, or the container or EXIF block is malformed.
    public static func exifOrientation(in bytes: [UInt8]) -> ExifOrientation? {
        bytes.withUnsafeBufferPointer { buffer in
            guard let format = ImageFormat.sniff(buffer) else { return nil }
            return ExifLocator.orientation(in: buffer, format: format)
        }
    }
}
