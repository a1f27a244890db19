internal import CImageShims

/// libjpeg's baseline encoder, for generated test images, fuzz seeds and benchmarks inside this
/// package (`package` access: not part of the public API, which decodes only).
package enum JPEGEncoder {
    /// Encodes interleaved 8-bit RGB. Returns nil if libjpeg rejects the parameters.
    package static func encode(rgb: [UInt8], width: Int, height: Int, quality: Int = 90) -> [UInt8]? {
        guard width > 0, height > 0, rgb.count == width * height * 3,
            let w = UInt32(exactly: width), let h = UInt32(exactly: height)
        else { return nil }
        var out: UnsafeMutablePointer<UInt8>?
        var size = 0
        let status = rgb.withUnsafeBufferPointer {
            ll_jpeg_encode($0.baseAddress, w, h, 3, 0, Int32(clamping: quality), 0, nil, 0, &out, &size)
        }
        guard status == Int32(LL_OK.rawValue), let out else { return nil }
        defer { ll_free(out) }
        return Array(UnsafeBufferPointer(start: out, count: size))
    }
}
