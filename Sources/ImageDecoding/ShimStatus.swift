internal import CImageShims

/// Maps a `CImageShims` status code to an ``ImageDecodingError`` naming the format.
enum ShimStatus {
    static func check(_ status: Int32, format: String) throws(ImageDecodingError) {
        switch status {
        case Int32(LL_OK.rawValue): return
        case Int32(LL_ERR_TRUNCATED.rawValue): throw .truncated("\(format): data is truncated")
        case Int32(LL_ERR_UNSUPPORTED.rawValue): throw .unsupported("\(format): unsupported feature (sample precision or colour space)")
        case Int32(LL_ERR_NOMEM.rawValue): throw .tooLarge("\(format): out of memory while decoding")
        case Int32(LL_ERR_TOO_LARGE.rawValue): throw .tooLarge("\(format): decoding exceeds the memory or scan limit")
        default: throw .corrupt("\(format): data is corrupt")
        }
    }

    /// Fills a new pixel buffer with `fill`, which returns a shim status; on failure nothing leaks out.
    static func pixels(
        count: Int,
        format: String,
        _ fill: (UnsafeMutablePointer<UInt8>) -> Int32
    ) throws(ImageDecodingError) -> [UInt8] {
        var status = Int32(LL_OK.rawValue)
        let pixels = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else {
                initialized = 0
                return
            }
            status = fill(base)
            initialized = status == Int32(LL_OK.rawValue) ? count : 0
        }
        try check(status, format: format)
        return pixels
    }
}
