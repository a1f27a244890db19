enum WebPDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        throw .unsupported("WebP decoding is not built yet")
    }
}
