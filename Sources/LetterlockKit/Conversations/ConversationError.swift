/// A conversation failure on this device (the relay's refusals stay ``RelayClientError``).
///
/// A struct wrapping a private code so cases can be added; compare with the static members.
/// Descriptions carry no user data.
public struct ConversationError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Hashable, Sendable {
        case unknownConversation, notAContact, contactNotAccepted, noKeyPackage, badKeyPackage, missingDeliveryToken
        case notAMember, alreadyMember, malformedMessage, unsupportedMessageVersion, conflictRetriesExhausted, groupState
        case notAGroup, leftConversation, invalidName, staleDeliveryToken
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// A stable machine-readable name (for `--json`).
    public var name: String { code.rawValue }

    public var description: String {
        switch code {
        case .unknownConversation: "no such conversation"
        case .notAContact: "not a contact: add them first (`letterlock contacts add NAME`)"
        case .contactNotAccepted: "they have not accepted your message request yet"
        case .noKeyPackage: "a device of theirs has no KeyPackage on the relay (it must come online once)"
        case .badKeyPackage: "a KeyPackage from the relay does not match the device's key in the key directory"
        case .missingDeliveryToken: "a member's delivery token is unknown, so they cannot be reached yet"
        case .notAMember: "not a member of this conversation"
        case .alreadyMember: "already a member of this conversation"
        case .malformedMessage: "a received conversation message is malformed"
        case .unsupportedMessageVersion: "a received conversation message has an unsupported version"
        case .conflictRetriesExhausted: "the group kept changing under this device's commit; try again"
        case .groupState: "the group state could not be read or updated"
        case .notAGroup: "this is a 1:1 chat, not a group"
        case .leftConversation: "you are no longer in this conversation"
        case .invalidName: "group names are 1 to 256 bytes"
        case .staleDeliveryToken:
            "a member's delivery token is out of date (they rotated it); this is sent once their new token arrives"
        }
    }

    public static let unknownConversation = Self(.unknownConversation)
    public static let notAContact = Self(.notAContact)
    public static let contactNotAccepted = Self(.contactNotAccepted)
    public static let noKeyPackage = Self(.noKeyPackage)
    public static let badKeyPackage = Self(.badKeyPackage)
    public static let missingDeliveryToken = Self(.missingDeliveryToken)
    public static let notAMember = Self(.notAMember)
    public static let alreadyMember = Self(.alreadyMember)
    public static let malformedMessage = Self(.malformedMessage)
    public static let unsupportedMessageVersion = Self(.unsupportedMessageVersion)
    public static let conflictRetriesExhausted = Self(.conflictRetriesExhausted)
    public static let groupState = Self(.groupState)
    public static let notAGroup = Self(.notAGroup)
    public static let leftConversation = Self(.leftConversation)
    public static let invalidName = Self(.invalidName)
    public static let staleDeliveryToken = Self(.staleDeliveryToken)
}
