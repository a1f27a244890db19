public import Foundation

/// An account: a random id, an optional unique username, and when it was created.
public struct Account: Hashable, Sendable {
    public var id: AccountID
    /// Optional, unique, looked up only by exact match.
    public var username: String?
    public var createdAt: Date

    public init(id: AccountID, username: String? = nil, createdAt: Date) {
        self.id = id
        self.username = username
        self.createdAt = createdAt
    }
}
