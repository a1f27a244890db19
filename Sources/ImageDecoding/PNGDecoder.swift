enum PNGDecoder {
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, limits: DecodingLimits) throws(ImageDecodingError) -> RGBImage {
        throw .unsupported("PNG decoding is not built yet")
    }
}
