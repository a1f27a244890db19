internal import CImageShims

/// libjpeg-turbo through the shim's two calls into a caller's buffer, without the checks and
/// allocation of ``ImageDecoder``: the reference the decode benchmark measures against.
/// `package` access: not public API.
package enum BareJPEGDecoder {
    /// Decodes `jpeg` into `buffer`, which must hold exactly width * height * 3 bytes.
    package static func decode(_ jpeg: [UInt8], into buffer: inout [UInt8]) -> Bool {
        jpeg.withUnsafeBufferPointer { input in
            var reader: OpaquePointer?
            var info = ll_jpeg_info()
            guard let base = input.baseAddress, ll_jpeg_open(base, input.count, Int.max, 500, &reader, &info) == 0, let reader else {
                return false
            }
            defer { ll_jpeg_close(reader) }
            guard Int(info.width) * Int(info.height) * 3 == buffer.count else { return false }
            return buffer.withUnsafeMutableBufferPointer { output in
                guard let out = output.baseAddress else { return false }
                return ll_jpeg_read_rgb(reader, out) == 0
            }
        }
    }
}
