/// The result of ``ImageDecoder/decode(_:)``: the pixels, the container format and the EXIF orientation.
public struct DecodedImage: Sendable {
    /// The pixels as 8-bit RGB. In stored order unless the decoder was asked to apply the orientation.
    public var image: RGBImage
    /// The format the bytes were recognised as.
    public var format: ImageFormat
    /// The EXIF orientation tag found in the file (JPEG APP1, PNG eXIf, WebP EXIF), if any.
    /// Reported whether or not it was applied.
    public var exifOrientation: ExifOrientation?
    /// Whether ``image`` has had ``exifOrientation`` applied.
    public var orientationApplied: Bool

    public init(image: RGBImage, format: ImageFormat, exifOrientation: ExifOrientation?, orientationApplied: Bool = false) {
        self.image = image
        self.format = format
        self.exifOrientation = exifOrientation
        self.orientationApplied = orientationApplied
    }
}
