/// Why a relay call failed: the relay was not reachable, or it answered with an error.
///
/// A struct wrapping a private kind so new cases can be added. Two errors are equal when their
/// kind and relay code are equal (status and message are details), so callers match with
/// `error == .rateLimited`. The relay's messages carry no user data and neither does this.
public struct RelayClientError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Kind: Hashable, Sendable {
        case unreachable
        case invalidURL
        case unexpectedResponse
        case relay
    }

    private let kind: Kind
    /// The relay's stable error code (`rate_limited`, `not_found`, …) when it answered with one.
    public let code: String?
    /// The HTTP status when the relay answered.
    public let status: Int?
    /// The relay's human-readable message, if any, without control or format characters (it
    /// reaches the terminal: a relay must not inject escape sequences, client review L5) and at
    /// most 200 characters.
    public let message: String?

    private init(_ kind: Kind, code: String? = nil, status: Int? = nil, message: String? = nil) {
        self.kind = kind
        self.code = code
        self.status = status
        self.message = message.map(Self.printable)
    }

    /// `text` with control, format and line-separator characters (escape sequences, bidi
    /// overrides) dropped, cut to 200 characters.
    static func printable(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar.properties.generalCategory {
            case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned: continue
            default: scalars.append(scalar)
            }
        }
        return String(String(scalars).prefix(200))
    }

    /// An error answer from the relay (`{"code": …, "message": …}`).
    public static func relay(code: String, status: Int, message: String?) -> Self { Self(.relay, code: code, status: status, message: message) }

    static func unexpected(status: Int) -> Self { Self(.unexpectedResponse, status: status) }

    public static let unreachable = Self(.unreachable)
    public static let invalidURL = Self(.invalidURL)
    public static let unexpectedResponse = Self(.unexpectedResponse)
    public static let notFound = Self(.relay, code: "not_found")
    public static let unknownRecipient = Self(.relay, code: "unknown_recipient")
    public static let rateLimited = Self(.relay, code: "rate_limited")
    public static let usernameTaken = Self(.relay, code: "username_taken")
    public static let invalidUsername = Self(.relay, code: "invalid_username")
    public static let deviceLimitReached = Self(.relay, code: "device_limit_reached")
    public static let lastDevice = Self(.relay, code: "last_device")
    public static let unknownDevice = Self(.relay, code: "unknown_device")
    public static let badSignature = Self(.relay, code: "bad_signature")
    public static let replayedRequest = Self(.relay, code: "replayed_request")
    public static let staleRequest = Self(.relay, code: "stale_request")
    public static let commitConflict = Self(.relay, code: "commit_conflict")
    public static let mailboxFull = Self(.relay, code: "mailbox_full")
    public static let busy = Self(.relay, code: "busy")

    public static func == (a: Self, b: Self) -> Bool { a.kind == b.kind && a.code == b.code }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(kind)
        hasher.combine(code)
    }

    /// True when retrying later may succeed (the relay was down, busy or rate limiting).
    public var isTransient: Bool { kind == .unreachable || code == "rate_limited" || code == "busy" || (status ?? 0) >= 500 }

    public var description: String {
        switch kind {
        case .unreachable: "the relay is unreachable"
        case .invalidURL: "the relay URL is not a valid http(s) URL"
        case .unexpectedResponse: "the relay gave an unexpected answer (HTTP \(status ?? 0))"
        case .relay: "the relay refused: \(code ?? "error")\(message.map { " (\($0))" } ?? "")"
        }
    }
}
