internal import Foundation

/// Decodes JPEG, PNG, WebP and binary PPM into 8-bit RGB for perceptual hashing (PDQ spec §2).
///
/// Every mode becomes 8-bit RGB the way the reference pipelines see it:
/// grey is replicated, alpha is dropped without compositing, palettes are expanded, 1/2/4-bit samples
/// are scaled to 0...255, 16-bit samples are scaled (`floor(v / 257)`, what ImageMagick and so the
/// reference C++ tool do), CMYK and YCCK JPEGs are converted (Adobe-inverted data recognised), and
/// the first frame of an animated WebP is used. EXIF orientation is read and reported but only applied
/// when ``Configuration/applyExifOrientation`` is set, because the references hash stored pixel order.
///
/// The input is untrusted: dimensions are checked against ``Configuration/maxPixels`` from the header,
/// before any pixel memory is allocated; the decoders' own working memory is held to
/// ``Configuration/maxDecoderMemory``; and every failure is an ``ImageDecodingError``. The C
/// libraries' error paths are caught in our own shims (`CImageShims`) and never abort the process.
/// At the defaults one decode holds at most about 450 MiB (192 MiB of output plus 256 MiB of
/// working memory), whatever the input; see docs/known-material-decoding.md, "Limits".
public struct ImageDecoder: Sendable {
    /// Limits and choices for ``ImageDecoder``.
    public struct Configuration: Sendable {
        /// The largest image accepted, in pixels, checked from the header before decoding.
        ///
        /// Each side counts as at least 64 pixels (`max(width, 64) * max(height, 64)`): the PDQ hasher
        /// works on a grid at least 64 wide and high, so this also bounds its float buffers
        /// (4 bytes per counted pixel) and a 1-pixel-wide strip cannot make it allocate 64 times
        /// what the limit suggests. Default 64 Mi pixels (192 MiB of RGB output): every phone camera
        /// up to 64 MP (a 4032x3024 photo is 12.2 M); 108 and 200 MP sensor output needs a larger value.
        public var maxPixels: Int
        /// The largest input accepted, in bytes. Default 256 MiB.
        public var maxInputBytes: Int
        /// The working memory the decoders may hold besides the RGB output, in bytes: libpng's
        /// buffers and our interlacing scratch, libjpeg's (coefficient arrays of progressive files),
        /// libwebp's (lossless pixels, alpha plane, the animation canvas). Decoding that would need
        /// more is ``ImageDecodingError/tooLarge``. Default 256 MiB: a progressive 4:2:0 JPEG up to
        /// about 85 M pixels, an interlaced 8-bit RGBA PNG up to about 60 M.
        public var maxDecoderMemory: Int
        /// Apply the EXIF orientation to the pixels. Default `false`: the reference hashers do not,
        /// and hash lists are computed on stored pixel order (PDQ spec §2).
        public var applyExifOrientation: Bool

        public init(
            maxPixels: Int = 1 << 26,
            maxInputBytes: Int = 256 << 20,
            maxDecoderMemory: Int = 256 << 20,
            applyExifOrientation: Bool = false
        ) {
            self.maxPixels = maxPixels
            self.maxInputBytes = maxInputBytes
            self.maxDecoderMemory = maxDecoderMemory
            self.applyExifOrientation = applyExifOrientation
        }
    }

    /// The limits and choices in use.
    public var configuration: Configuration

    public init(configuration: Configuration = .init()) {
        self.configuration = configuration
    }

    /// Decodes an image, recognising its format from its leading bytes.
    public func decode(_ bytes: [UInt8]) throws(ImageDecodingError) -> DecodedImage {
        guard bytes.count <= configuration.maxInputBytes else {
            throw .tooLarge("input is larger than the configured byte limit")
        }
        let result: Result<DecodedImage, ImageDecodingError> = bytes.withUnsafeBufferPointer { buffer in
            do throws(ImageDecodingError) {
                return .success(try decode(buffer: buffer))
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Reads and decodes the file at `path`. I/O failures are ``ImageDecodingError/io``.
    public func decode(contentsOf path: String) throws(ImageDecodingError) -> DecodedImage {
        try decode(try Self.readFile(path, limit: configuration.maxInputBytes))
    }

    private func decode(buffer: UnsafeBufferPointer<UInt8>) throws(ImageDecodingError) -> DecodedImage {
        guard let format = ImageFormat.sniff(buffer) else {
            if let name = ImageFormat.sniffUnsupported(buffer) {
                throw .unsupported("\(name) images are not supported")
            }
            if buffer.isEmpty { throw .truncated("input is empty") }
            throw .unknownFormat("unknown image format (not JPEG, PNG, WebP or binary PPM)")
        }
        let limits = DecodingLimits(maxPixels: configuration.maxPixels, maxDecoderMemory: max(0, configuration.maxDecoderMemory))
        var image: RGBImage
        switch format {
        case .ppm: image = try PPMDecoder.decode(buffer, limits: limits)
        case .png: image = try PNGDecoder.decode(buffer, limits: limits)
        case .jpeg: image = try JPEGDecoder.decode(buffer, limits: limits)
        case .webp: image = try WebPDecoder.decode(buffer, limits: limits)
        }
        let orientation = ExifLocator.orientation(in: buffer, format: format)
        var applied = false
        if configuration.applyExifOrientation, let orientation {
            image = image.applyingOrientation(orientation)
            applied = true
        }
        return DecodedImage(image: image, format: format, exifOrientation: orientation, orientationApplied: applied)
    }

    static func readFile(_ path: String, limit: Int) throws(ImageDecodingError) -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
                throw .io(isDirectory.boolValue ? "is a directory" : "file could not be opened (permission denied?)")
            }
            throw .io("no such file")
        }
        defer { try? handle.close() }
        let data: Data?
        do {
            // One byte over the limit tells "too large" apart from "exactly at the limit".
            data = try handle.read(upToCount: limit == Int.max ? limit : limit + 1)
        } catch {
            throw .io("file could not be read")
        }
        let bytes = data.map { [UInt8]($0) } ?? []
        guard bytes.count <= limit else { throw .tooLarge("input is larger than the configured byte limit") }
        return bytes
    }
}

/// Limits passed to each format decoder.
struct DecodingLimits: Sendable {
    var maxPixels: Int
    /// Bytes of working memory beyond the output (``ImageDecoder/Configuration/maxDecoderMemory``).
    var maxDecoderMemory: Int

    /// Checks header dimensions before any pixel buffer is allocated.
    func check(width: Int, height: Int, format: String) throws(ImageDecodingError) {
        guard width > 0, height > 0 else { throw .corrupt("\(format): zero or negative image dimensions") }
        // Sides count as at least 64: the PDQ grid (see Configuration.maxPixels). The padded count
        // is at least width * height, so the second bound keeps every later byte count (up to 8 bytes
        // per pixel) from overflowing, whatever limit the caller configured.
        let (pixels, overflow) = max(width, 64).multipliedReportingOverflow(by: max(height, 64))
        guard !overflow, pixels <= maxPixels, pixels <= Int.max / 8 else {
            throw .tooLarge("\(format): \(width)x\(height) pixels exceeds the configured pixel limit")
        }
    }

    /// Checks an estimate of a decoder's working memory, made from the header before it allocates.
    func checkWorkingMemory(_ bytes: Int, format: String) throws(ImageDecodingError) {
        guard bytes <= maxDecoderMemory else {
            throw .tooLarge("\(format): decoding needs more working memory than the configured limit")
        }
    }
}
