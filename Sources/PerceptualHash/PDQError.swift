/// Why a PDQ input was rejected.
///
/// A struct around a private code, so that new cases can be added without breaking callers.
/// Descriptions name the problem only, never pixel data.
public struct PDQError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case invalidDimensions
        case sampleCountMismatch
        case nonFiniteLuma
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// Width or height is negative, or width × height (× channels) overflows.
    public static let invalidDimensions = PDQError(.invalidDimensions)
    /// The buffer does not hold exactly width × height samples (× 3 for RGB).
    public static let sampleCountMismatch = PDQError(.sampleCountMismatch)
    /// A luma value is NaN or infinite.
    public static let nonFiniteLuma = PDQError(.nonFiniteLuma)

    public var description: String {
        switch code {
        case .invalidDimensions: "PDQ input has invalid dimensions"
        case .sampleCountMismatch: "PDQ input buffer size does not match its dimensions"
        case .nonFiniteLuma: "PDQ luma input contains a non-finite value"
        }
    }
}
