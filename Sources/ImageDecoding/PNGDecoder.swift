internal import CImageShims

/// PNG through libpng (ISO/IEC 15948), via the setjmp-guarded `CImageShims` entry points.
///
/// Every colour type and depth becomes 8-bit RGB: palette expanded (a tRNS chunk is ignored, as
/// alpha is dropped anyway), grey replicated, grey+alpha and RGBA lose alpha without compositing,
/// 1/2/4-bit grey is scaled to 0...255, and 16-bit samples become `floor(v / 257)`: exactly what
/// ImageMagick produces (checked pixel for pixel on upstream's `I16.png` against the vector made with
/// it), and so what the reference C++ tool hashes (PDQ spec §2; Pillow clips instead).
/// Gamma and colour-profile chunks are not applied, like the references. Adam7 interlacing is
/// supported. Everything libpng allocates, and the shim's scratch, counts against
/// ``ImageDecoder/Configuration/maxDecoderMemory``; text and other unused chunks are never stored.
enum PNGDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        guard let base = bytes.baseAddress else { throw .truncated("PNG: data is truncated") }
        var reader: OpaquePointer?
        var info = ll_png_info()
        try ShimStatus.check(ll_png_open(base, bytes.count, limits.maxDecoderMemory, &reader, &info), format: "PNG")
        guard let reader else { throw .corrupt("PNG: data is corrupt") }
        defer { ll_png_close(reader) }
        let width = Int(info.width)
        let height = Int(info.height)
        try limits.check(width: width, height: height, format: "PNG")
        let pixels = try ShimStatus.pixels(count: width * height * 3, format: "PNG") { ll_png_read_rgb(reader, $0) }
        return RGBImage(uncheckedWidth: width, height: height, pixels: pixels)
    }
}
