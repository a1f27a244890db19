/// Why an image could not be decoded.
///
/// Descriptions name the format and the kind of failure only: never file names, pixel data or bytes
/// of the input. Compare with the static members (`error == .truncated`); the detail text is not part
/// of equality.
public struct ImageDecodingError: Error, CustomStringConvertible, Sendable, Equatable {
    private enum Code: Sendable, Equatable {
        case unknownFormat
        case unsupported
        case truncated
        case corrupt
        case tooLarge
        case io
    }

    private let code: Code
    private let detail: String

    private init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    /// The leading bytes match no supported format.
    public static let unknownFormat = Self(.unknownFormat, "unknown image format")
    /// A recognised format, or a feature of one, that is not decoded (GIF, 12-bit JPEG, ...).
    public static let unsupported = Self(.unsupported, "unsupported image format or feature")
    /// The data ends before the image does.
    public static let truncated = Self(.truncated, "image data is truncated")
    /// The data is malformed.
    public static let corrupt = Self(.corrupt, "image data is corrupt")
    /// The image (or the input) is larger than the configured limits: a possible decompression bomb.
    public static let tooLarge = Self(.tooLarge, "image exceeds the configured size limit")
    /// The file could not be read.
    public static let io = Self(.io, "file could not be read")

    static func unknownFormat(_ detail: String) -> Self { Self(.unknownFormat, detail) }
    static func unsupported(_ detail: String) -> Self { Self(.unsupported, detail) }
    static func truncated(_ detail: String) -> Self { Self(.truncated, detail) }
    static func corrupt(_ detail: String) -> Self { Self(.corrupt, detail) }
    static func tooLarge(_ detail: String) -> Self { Self(.tooLarge, detail) }
    static func io(_ detail: String) -> Self { Self(.io, detail) }

    public var description: String { detail }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    /// Pattern matching: `catch let error where error ~= .truncated` reads as "is this kind".
    public static func ~= (pattern: Self, value: Self) -> Bool { pattern.code == value.code }
}
