extension ExifOrientation {
    /// Reads the `Orientation` tag (0x0112) from IFD0 of an EXIF TIFF structure (EXIF 2.3 §4.5.2,
    /// TIFF 6.0 §2): the payload of a JPEG APP1 segment after its `Exif\0\0` prefix, a PNG `eXIf`
    /// chunk, or a WebP `EXIF` chunk.
    ///
    /// Untrusted input: every offset is bounds-checked, and anything malformed, absent or outside
    /// 1...8 gives `nil`. Only IFD0 is read (the orientation lives there), so there is no IFD chain
    /// to loop on.
    public init?(exifTIFF bytes: some Collection<UInt8>) {
        let tiff = Array(bytes)
        guard tiff.count >= 8 else { return nil }
        let bigEndian: Bool
        switch (tiff[0], tiff[1]) {
        case (0x49, 0x49): bigEndian = false  // "II"
        case (0x4D, 0x4D): bigEndian = true  // "MM"
        default: return nil
        }
        func u16(_ offset: Int) -> Int? {
            guard offset >= 0, offset <= tiff.count - 2 else { return nil }
            let a = Int(tiff[offset])
            let b = Int(tiff[offset + 1])
            return bigEndian ? a << 8 | b : b << 8 | a
        }
        func u32(_ offset: Int) -> Int? {
            guard let high = u16(bigEndian ? offset : offset + 2), let low = u16(bigEndian ? offset + 2 : offset) else { return nil }
            // As UInt32, then checked: `high << 16` is negative where Int is 32 bits.
            return Int(exactly: UInt32(high) << 16 | UInt32(low))
        }
        // IFD0 must start inside the block, so `ifd + 2 + 12 * index` below cannot overflow.
        guard u16(2) == 42, let ifd = u32(4), ifd <= tiff.count - 2, let count = u16(ifd) else { return nil }
        for index in 0..<count {
            let entry = ifd + 2 + 12 * index
            guard let tag = u16(entry), let type = u16(entry + 2), let valueCount = u32(entry + 4) else { return nil }
            guard tag == 0x0112 else { continue }
            let value: Int?
            switch type {
            case 3 where valueCount >= 1: value = u16(entry + 8)  // SHORT, stored in the entry
            case 4 where valueCount >= 1: value = u32(entry + 8)  // LONG: tolerated, some writers use it
            default: value = nil
            }
            guard let value, let orientation = ExifOrientation(rawValue: value) else { return nil }
            self = orientation
            return
        }
        return nil
    }
}
