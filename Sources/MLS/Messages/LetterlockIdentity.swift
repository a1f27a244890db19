import WireFormat

/// The identity a Letterlock device presents in the `identity` of its MLS `basic`
/// credential (RFC 9420 §5.3 leaves that format to the application).
///
/// Encoding (TLS presentation language, 33 bytes for version 1):
///
/// ```
/// struct {
///     uint8  encoding_version = 1;
///     opaque account_id[16];   // the account's random identifier
///     opaque device_id[16];    // the device's random identifier within the account
/// } LetterlockIdentity;
/// ```
///
/// Both identifiers are random (they carry no phone number, e-mail address or name: see the
/// data inventory in ARCHITECTURE.md). A decoder rejects any other version, any other length
/// and trailing bytes, so one identity has exactly one encoding, which matters because
/// the Authentication Service (key transparency) compares identities byte for byte.
/// A later encoding gets a new `encoding_version`; version 1 stays decodable.
public struct LetterlockIdentity: Hashable, Sendable, CustomStringConvertible {
    /// The length of each identifier.
    public static let identifierLength = 16
    /// The encoding version this type writes.
    public static let encodingVersion: UInt8 = 1

    /// The account's random 16-byte identifier.
    public let accountID: [UInt8]
    /// The device's random 16-byte identifier.
    public let deviceID: [UInt8]

    /// An identity from its two identifiers; `nil` unless each is exactly 16 bytes.
    public init?(accountID: [UInt8], deviceID: [UInt8]) {
        guard accountID.count == Self.identifierLength, deviceID.count == Self.identifierLength else { return nil }
        self.accountID = accountID
        self.deviceID = deviceID
    }

    /// For the decoder, which read exactly `identifierLength` bytes for each.
    init(uncheckedAccountID accountID: [UInt8], deviceID: [UInt8]) {
        self.accountID = accountID
        self.deviceID = deviceID
    }

    /// The identity in a credential, if it is a `basic` credential holding a valid encoding.
    public init?(credential: Credential) {
        guard case .basic(let identity) = credential,
            let decoded = try? LetterlockIdentity(wireBytes: identity)
        else { return nil }
        self = decoded
    }

    /// Identifiers are random, not personal data, but still shortened in descriptions.
    public var description: String {
        "LetterlockIdentity(account: \(Self.hexPrefix(accountID))…, device: \(Self.hexPrefix(deviceID))…)"
    }

    private static func hexPrefix(_ bytes: [UInt8]) -> String {
        bytes.prefix(4).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }
}
