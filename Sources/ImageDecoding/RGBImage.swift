/// A decoded image as 8-bit RGB, interleaved and row-major: the input of PDQ (spec §2).
///
/// `pixels[3 * (y * width + x) + c]` is channel `c` (0 red, 1 green, 2 blue) of the pixel in column `x`,
/// row `y`, with row 0 at the top. The pixel order is the stored order of the file: EXIF orientation is
/// only applied when asked for (see ``ImageDecoder/Configuration/applyExifOrientation``).
public struct RGBImage: Sendable, Equatable {
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// `width * height * 3` bytes.
    public var pixels: [UInt8]

    /// Wraps `pixels`; returns `nil` when the dimensions are negative or do not match the buffer.
    public init?(width: Int, height: Int, pixels: [UInt8]) {
        guard width >= 0, height >= 0 else { return nil }
        let (area, overflow1) = width.multipliedReportingOverflow(by: height)
        let (count, overflow2) = area.multipliedReportingOverflow(by: 3)
        guard !overflow1, !overflow2, count == pixels.count else { return nil }
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// For decoders that have already checked the buffer size.
    init(uncheckedWidth width: Int, height: Int, pixels: [UInt8]) {
        assert(width * height * 3 == pixels.count)
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The (red, green, blue) triple at column `x`, row `y`. Traps when out of bounds.
    public subscript(x: Int, y: Int) -> (red: UInt8, green: UInt8, blue: UInt8) {
        precondition(x >= 0 && x < width && y >= 0 && y < height, "pixel position out of bounds")
        let offset = 3 * (y * width + x)
        return (pixels[offset], pixels[offset + 1], pixels[offset + 2])
    }
}
