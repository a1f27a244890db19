import ImageDecoding

/// libFuzzer entry point for the EXIF reader: the bytes as a bare TIFF block, and as a JPEG, PNG and
/// WebP container around them (so the segment and chunk walkers see them too), plus orientation
/// application on a tiny image.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let orientation = ExifOrientation(exifTIFF: bytes) {
        let image = RGBImage(width: 3, height: 2, pixels: [UInt8](repeating: 7, count: 18))!
        let displayed = image.applyingOrientation(orientation)
        precondition(displayed.pixels.count == 18)
    }
    _ = ImageDecoder.exifOrientation(in: bytes)
    _ = ImageDecoder.exifOrientation(in: [0xFF, 0xD8] + bytes)
    _ = ImageDecoder.exifOrientation(in: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + bytes)
    _ = ImageDecoder.exifOrientation(in: Array("RIFF\0\0\0\0WEBP".utf8) + bytes)
    return 0
}
