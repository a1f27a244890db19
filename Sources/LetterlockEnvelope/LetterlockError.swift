/// A client-side failure that is not the relay's answer: local state, passphrase, contacts,
/// envelopes, linking.
///
/// A struct wrapping a private code, so new cases can be added without breaking callers; compare
/// with the static members (`error == .wrongPassphrase`). Descriptions never carry user data
/// (no names, ids, keys or tokens).
public struct LetterlockError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Hashable, Sendable {
        case notRegistered, alreadyRegistered, passphraseRequired, wrongPassphrase, unsupportedStateVersion
        case unknownContact, unknownRequest, blocked, alreadyContact, invalidInvite, invalidLinkCode, linkTimedOut, linkRejected
        case malformedEnvelope, unsupportedEnvelopeVersion, badEnvelopeSignature, notForThisDevice, unknownSenderDevice, staleEnvelope, safetyNumberChanged
        case invalidUsername, homeNotAccessible, ambiguousName
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// A stable machine-readable name (used by `--json` output).
    public var name: String { code.rawValue }

    public var description: String {
        switch code {
        case .notRegistered: "this device is not registered yet (run `letterlock register`)"
        case .alreadyRegistered: "this home directory already holds a registered device"
        case .passphraseRequired: "the device keys are protected by a passphrase; set LETTERLOCK_PASSPHRASE or run in a terminal"
        case .wrongPassphrase: "wrong passphrase"
        case .unsupportedStateVersion: "the device state uses a protection scheme this version does not know"
        case .unknownContact: "unknown contact"
        case .unknownRequest: "no such pending request"
        case .blocked: "this account is blocked"
        case .alreadyContact: "already a contact"
        case .invalidInvite: "the invite link is malformed"
        case .invalidLinkCode: "the device link code is malformed"
        case .linkTimedOut: "device linking timed out before the other device answered"
        case .linkRejected: "the other device's answer did not match this link"
        case .malformedEnvelope: "a received envelope is malformed"
        case .unsupportedEnvelopeVersion: "a received envelope has an unsupported version"
        case .badEnvelopeSignature: "a received envelope's signature does not verify"
        case .notForThisDevice: "a received envelope is not encrypted to this device"
        case .unknownSenderDevice: "a received envelope names a device its account does not have"
        case .safetyNumberChanged: "the contact's devices changed again since the safety number you compared; compare the new one"
        case .staleEnvelope: "a received envelope is older than one already accepted from its sender"
        case .invalidUsername: "usernames are 3 to 32 characters of a-z, 0-9 and _"
        case .ambiguousName: "more than one contact goes by this username: name them by account id (see `letterlock contacts`)"
        case .homeNotAccessible: "the home directory cannot be used: it must be a private directory of yours (not a symlink, not shared with other files)"
        }
    }

    public static let notRegistered = Self(.notRegistered)
    public static let alreadyRegistered = Self(.alreadyRegistered)
    public static let passphraseRequired = Self(.passphraseRequired)
    public static let wrongPassphrase = Self(.wrongPassphrase)
    public static let unsupportedStateVersion = Self(.unsupportedStateVersion)
    public static let unknownContact = Self(.unknownContact)
    public static let unknownRequest = Self(.unknownRequest)
    public static let blocked = Self(.blocked)
    public static let alreadyContact = Self(.alreadyContact)
    public static let invalidInvite = Self(.invalidInvite)
    public static let invalidLinkCode = Self(.invalidLinkCode)
    public static let linkTimedOut = Self(.linkTimedOut)
    public static let linkRejected = Self(.linkRejected)
    public static let malformedEnvelope = Self(.malformedEnvelope)
    public static let unsupportedEnvelopeVersion = Self(.unsupportedEnvelopeVersion)
    public static let badEnvelopeSignature = Self(.badEnvelopeSignature)
    /// A card older than the newest accepted from the same account (a replay), or an
    /// introduction older than the relay's retention.
    public static let staleEnvelope = Self(.staleEnvelope)
    /// ``LetterlockClient/confirmDevices(of:expecting:)``: the set no longer gives the number compared.
    public static let safetyNumberChanged = Self(.safetyNumberChanged)
    public static let notForThisDevice = Self(.notForThisDevice)
    public static let unknownSenderDevice = Self(.unknownSenderDevice)
    public static let invalidUsername = Self(.invalidUsername)
    public static let homeNotAccessible = Self(.homeNotAccessible)
    public static let ambiguousName = Self(.ambiguousName)
}
