public import Foundation
import RelayAPI

/// An invite: `letterlock://invite/v1/<account id>/<delivery token, base64url>`.
///
/// Whoever holds it can send to the account sealed (the relay does not learn who), so the
/// first message needs no request. The token is the account's current delivery token: rotating
/// it revokes every link given out. Share it privately; it is never sent to the relay in clear.
public struct InviteLink: Sendable, Hashable, CustomStringConvertible {
    public static let prefix = "letterlock://invite/v1/"

    public var accountID: String
    public var deliveryToken: Data

    public init(accountID: String, deliveryToken: Data) {
        self.accountID = accountID
        self.deliveryToken = deliveryToken
    }

    /// Parses a link; ``LetterlockError/invalidInvite`` for anything else.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix(Self.prefix) else { throw LetterlockError.invalidInvite }
        let parts = trimmed.dropFirst(Self.prefix.count).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, RelayID.isValid(String(parts[0])), let token = Data(base64URLEncoded: String(parts[1])), token.count == 32
        else { throw LetterlockError.invalidInvite }
        accountID = String(parts[0])
        deliveryToken = token
    }

    public var description: String { Self.prefix + accountID + "/" + deliveryToken.base64URLEncodedString() }
}
