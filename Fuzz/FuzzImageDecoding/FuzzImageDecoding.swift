import ImageDecoding

/// libFuzzer entry point: arbitrary bytes through the whole decoder (format sniffing, PPM, libpng,
/// libjpeg, libwebp through our shims, EXIF location). Small pixel and working-memory limits keep
/// each run fast and exercise the limit checks; any outcome but a crash, trap or hang is acceptable.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let decoder = ImageDecoder(
        configuration: .init(maxPixels: 1 << 20, maxInputBytes: 1 << 20, maxDecoderMemory: 32 << 20, applyExifOrientation: true))
    if let decoded = try? decoder.decode(bytes) {
        // Invariants a caller relies on.
        precondition(decoded.image.pixels.count == decoded.image.width * decoded.image.height * 3)
        precondition(decoded.image.width * decoded.image.height <= 1 << 20)
    }
    _ = ImageDecoder.exifOrientation(in: bytes)
    return 0
}
