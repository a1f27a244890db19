/// The container formats ``ImageDecoder`` reads, recognised by their leading bytes.
public enum ImageFormat: String, Sendable, CaseIterable {
    /// JPEG (JFIF/Exif), decoded by libjpeg-turbo.
    case jpeg
    /// PNG, decoded by libpng.
    case png
    /// WebP (lossy, lossless, alpha, animated: first frame), decoded by libwebp.
    case webp
    /// Binary Netpbm: P6 (RGB) and P5 (grey), maxval up to 65535.
    case ppm
}

extension ImageFormat {
    /// Recognises the format from the first bytes of a file, or `nil`.
    static func sniff(_ bytes: UnsafeBufferPointer<UInt8>) -> ImageFormat? {
        func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
            guard bytes.count >= offset + prefix.count else { return false }
            for (index, byte) in prefix.enumerated() where bytes[offset + index] != byte { return false }
            return true
        }
        if starts(with: [0xFF, 0xD8, 0xFF]) { return .jpeg }
        if starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return .png }
        if starts(with: Array("RIFF".utf8)), starts(with: Array("WEBP".utf8), at: 8) { return .webp }
        if starts(with: [0x50, 0x36]) || starts(with: [0x50, 0x35]) { return .ppm }  // "P6", "P5"
        return nil
    }

    /// Names formats that are recognised but deliberately not decoded, for a clearer error.
    static func sniffUnsupported(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        func starts(with prefix: [UInt8], at offset: Int = 0) -> Bool {
            guard bytes.count >= offset + prefix.count else { return false }
            for (index, byte) in prefix.enumerated() where bytes[offset + index] != byte { return false }
            return true
        }
        if starts(with: Array("GIF8".utf8)) { return "GIF" }
        if starts(with: Array("BM".utf8)) { return "BMP" }
        if starts(with: [0x49, 0x49, 0x2A, 0x00]) || starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return "TIFF" }
        if starts(with: Array("ftyp".utf8), at: 4) { return "HEIF/AVIF" }
        if starts(with: [0xFF, 0x0A]) || starts(with: [0x00, 0x00, 0x00, 0x0C, 0x4A, 0x58, 0x4C, 0x20]) { return "JPEG XL" }
        if starts(with: Array("P1".utf8)) || starts(with: Array("P2".utf8)) || starts(with: Array("P3".utf8))
            || starts(with: Array("P4".utf8))
        {
            return "plain or bitmap Netpbm"
        }
        return nil
    }
}
