enum JPEGDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        throw .unsupported("JPEG decoding is not built yet")
    }
}
