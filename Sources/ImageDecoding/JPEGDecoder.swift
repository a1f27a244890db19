internal import CImageShims

/// JPEG through libjpeg-turbo (ITU T.81), via the setjmp-guarded `CImageShims` entry points.
///
/// Decoded with libjpeg's defaults (accurate integer IDCT, fancy upsampling), as Pillow and ImageMagick
/// do. Greyscale is replicated to RGB. Four-component CMYK and YCCK images are read as Adobe stores them
/// (inverted) and converted with `R = (255 - K) * (255 - C) / 255` on ink amounts, as Pillow and
/// ImageMagick do; both assume the Adobe convention for every CMYK JPEG, and so do we.
/// A stream cut short inside its entropy-coded data is ``ImageDecodingError/truncated`` (libjpeg
/// would silently pad it with grey); one missing only its final EOI marker decodes.
enum JPEGDecoder {
    /// TurboJPEG's limit for progressive scans (a CPU-exhaustion vector in crafted files).
    static let maxScans: Int32 = 500

    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        guard let base = bytes.baseAddress else { throw .truncated("JPEG: data is truncated") }
        // libjpeg's whole-image buffers (the coefficient arrays of progressive and multi-scan files,
        // 2 bytes per coefficient of every component) must fit the working-memory budget; over it,
        // libjpeg would need a backing store, which this build lacks: a typed tooLarge error.
        var reader: OpaquePointer?
        var info = ll_jpeg_info()
        try ShimStatus.check(ll_jpeg_open(base, bytes.count, limits.maxDecoderMemory, maxScans, &reader, &info), format: "JPEG")
        guard let reader else { throw .corrupt("JPEG: data is corrupt") }
        defer { ll_jpeg_close(reader) }
        let width = Int(info.width)
        let height = Int(info.height)
        try limits.check(width: width, height: height, format: "JPEG")
        let pixels = try ShimStatus.pixels(count: width * height * 3, format: "JPEG") { ll_jpeg_read_rgb(reader, $0) }
        return RGBImage(uncheckedWidth: width, height: height, pixels: pixels)
    }
}
