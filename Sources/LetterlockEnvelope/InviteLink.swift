public import Foundation
import RelayAPI

/// An invite: `letterlock://invite/v2/<account id>/<delivery token>/<contact secret>` (both
/// base64url, 32 bytes).
///
/// Whoever holds it can send to the account sealed (the relay does not learn who), so the
/// first message needs no request. The delivery token authorises the send (the relay sees it);
/// the contact secret is what the introduction is encrypted under (the relay never sees it).
/// Both are the account's current ones: rotating revokes every link given out. Share it
/// privately: it is as sensitive as a key.
public struct InviteLink: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "letterlock://invite/v2/"

    public var accountID: String
    public var deliveryToken: Data
    public var contactSecret: Data

    public init(accountID: String, deliveryToken: Data, contactSecret: Data) {
        self.accountID = accountID
        self.deliveryToken = deliveryToken
        self.contactSecret = contactSecret
    }

    /// Parses a link; ``LetterlockError/invalidInvite`` for anything else (v1 links, which had
    /// no contact secret, included).
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix) else { throw LetterlockError.invalidInvite }
        let parts = trimmed.dropFirst(Self.prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, RelayID.isValid(String(parts[0])), let token = Data(base64URLEncoded: String(parts[1])), token.count == 32,
            let secret = Data(base64URLEncoded: String(parts[2])), secret.count == 32
        else { throw LetterlockError.invalidInvite }
        accountID = String(parts[0])
        deliveryToken = token
        contactSecret = secret
    }

    public var description: String {
        Self.prefix + accountID + "/" + deliveryToken.base64URLEncodedString() + "/" + contactSecret.base64URLEncodedString()
    }
}
