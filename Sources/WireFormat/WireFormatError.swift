/// Why a wire-format (RFC 9420 §2.1) decode failed.
///
/// Descriptions name the rule that was broken and, for ``invalidValue(_:)``, the field;
/// they never carry the bytes being decoded.
public struct WireFormatError: Error, Equatable, Hashable, CustomStringConvertible, Sendable {
    private enum Code: Hashable, Sendable {
        case truncated
        case nonMinimalLength
        case invalidLengthPrefix
        case lengthTooLarge
        case trailingBytes
        case invalidValue(String)
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The input ended before the value did (a fixed-size field or a declared length runs past the end).
    public static let truncated = WireFormatError(.truncated)
    /// A variable-length header used more bytes than its value needs (RFC 9420 §2.1.2 requires minimal encoding).
    public static let nonMinimalLength = WireFormatError(.nonMinimalLength)
    /// A variable-length header starts with the reserved prefix `0b11` (RFC 9420 §2.1.2).
    public static let invalidLengthPrefix = WireFormatError(.invalidLengthPrefix)
    /// A length does not fit the variable-length header (at most 2^30 - 1).
    public static let lengthTooLarge = WireFormatError(.lengthTooLarge)
    /// Bytes were left over where the message must end.
    public static let trailingBytes = WireFormatError(.trailingBytes)
    /// A field holds a value the protocol does not allow; `field` names the field, never its content.
    public static func invalidValue(_ field: String) -> WireFormatError { WireFormatError(.invalidValue(field)) }

    public var description: String {
        switch code {
        case .truncated: "wire format: input truncated"
        case .nonMinimalLength: "wire format: variable-length header is not minimally encoded"
        case .invalidLengthPrefix: "wire format: variable-length header has the reserved prefix 0b11"
        case .lengthTooLarge: "wire format: length exceeds 2^30 - 1"
        case .trailingBytes: "wire format: trailing bytes after the end of the value"
        case .invalidValue(let field): "wire format: invalid value for \(field)"
        }
    }
}
