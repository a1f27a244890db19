internal import CWebP

/// WebP through libwebp (RFC 9649): lossy, lossless, with alpha, and animated.
///
/// Alpha is dropped without compositing. An animation gives its first frame as libwebp's animation
/// decoder renders it (what Pillow hashes): the frame on a transparent-black canvas, so canvas area
/// the frame does not cover is black. Dimensions (the canvas, for animations) are checked against
/// the pixel limit before the decoder allocates.
enum WebPDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        guard let base = bytes.baseAddress else { throw .truncated("WebP: data is truncated") }
        var features = WebPBitstreamFeatures()
        try check(WebPGetFeatures(base, bytes.count, &features))
        if features.has_animation != 0 {
            return try decodeFirstFrame(bytes, limits: limits)
        }
        let width = Int(features.width)
        let height = Int(features.height)
        try limits.check(width: width, height: height, format: "WebP")
        try limits.checkWorkingMemory(stillWorkingMemory(features), format: "WebP")
        var status = VP8_STATUS_OK
        let count = width * height * 3
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = 0
            var config = WebPDecoderConfig()
            guard WebPInitDecoderConfig(&config) != 0, let out = buffer.baseAddress else {
                status = VP8_STATUS_INVALID_PARAM
                return
            }
            config.output.colorspace = MODE_RGB
            config.output.is_external_memory = 1
            config.output.u.RGBA.rgba = out
            config.output.u.RGBA.stride = Int32(width * 3)
            config.output.u.RGBA.size = count
            status = WebPDecode(base, bytes.count, &config)
            WebPFreeDecBuffer(&config.output)
            if status == VP8_STATUS_OK { initialized = count }
        }
        try check(status)
        return RGBImage(uncheckedWidth: width, height: height, pixels: pixels)
    }

    private static func decodeFirstFrame(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        var data = WebPData(bytes: bytes.baseAddress, size: bytes.count)
        var state = WEBP_DEMUX_PARSE_ERROR
        guard let demux = WebPDemuxPartial(&data, &state) else { throw .corrupt("WebP: malformed container") }
        let width = Int(WebPDemuxGetI(demux, WEBP_FF_CANVAS_WIDTH))
        let height = Int(WebPDemuxGetI(demux, WEBP_FF_CANVAS_HEIGHT))
        WebPDemuxDelete(demux)
        guard state == WEBP_DEMUX_DONE else { throw .truncated("WebP: data is truncated") }
        try limits.check(width: width, height: height, format: "WebP")
        // libwebp's animation decoder keeps two RGBA canvases (the frame being composed and the
        // previous one), 8 bytes per canvas pixel, before it decodes anything. Only the first frame
        // is decoded, so the work is bounded by the canvas, whatever the number of frames.
        try limits.checkWorkingMemory(8 * width * height, format: "WebP")

        var options = WebPAnimDecoderOptions()
        guard WebPAnimDecoderOptionsInit(&options) != 0 else { throw .corrupt("WebP: decoder setup failed") }
        options.color_mode = MODE_RGBA
        options.use_threads = 0
        guard let decoder = WebPAnimDecoderNew(&data, &options) else { throw .corrupt("WebP: malformed animation") }
        defer { WebPAnimDecoderDelete(decoder) }
        var frame: UnsafeMutablePointer<UInt8>?
        var timestamp: Int32 = 0
        guard WebPAnimDecoderGetNext(decoder, &frame, &timestamp) != 0, let frame else {
            throw .corrupt("WebP: first frame could not be decoded")
        }
        let pixelCount = width * height
        let pixels = [UInt8](unsafeUninitializedCapacity: pixelCount * 3) { out, initialized in
            for index in 0..<pixelCount {
                out[3 * index] = frame[4 * index]
                out[3 * index + 1] = frame[4 * index + 1]
                out[3 * index + 2] = frame[4 * index + 2]
            }
            initialized = pixelCount * 3
        }
        return RGBImage(uncheckedWidth: width, height: height, pixels: pixels)
    }

    /// What libwebp allocates for a still image besides our output buffer, from its header: lossless
    /// keeps the whole image as 32-bit ARGB plus 32 rows of caches; lossy keeps a few rows, and with
    /// alpha a 1-byte plane plus, while that plane is itself decoded losslessly, up to 4 bytes more.
    private static func stillWorkingMemory(_ features: WebPBitstreamFeatures) -> Int {
        let width = Int(features.width)
        let pixels = width * Int(features.height)
        switch features.format {
        case 2: return 4 * pixels + 128 * width  // VP8L (lossless)
        default: return features.has_alpha != 0 ? 5 * pixels + 128 * width : 0
        }
    }

    private static func check(_ status: VP8StatusCode) throws(ImageDecodingError) {
        switch status {
        case VP8_STATUS_OK: return
        case VP8_STATUS_NOT_ENOUGH_DATA: throw .truncated("WebP: data is truncated")
        case VP8_STATUS_UNSUPPORTED_FEATURE: throw .unsupported("WebP: unsupported feature")
        case VP8_STATUS_OUT_OF_MEMORY: throw .tooLarge("WebP: out of memory while decoding")
        default: throw .corrupt("WebP: data is corrupt")
        }
    }
}
