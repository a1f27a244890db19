/// A random account identifier: 16 random bytes, lowercase hex (32 characters).
///
/// Accounts carry no phone number or e-mail address: the id is the account's only
/// handle, and it says nothing about its owner.
public struct AccountID: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Wraps a stored or received value; returns nil unless it is 32 lowercase hex characters.
    public init?(rawValue: String) {
        guard Identifier.isWellFormed(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// A fresh random id.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> AccountID {
        AccountID(unchecked: Identifier.random(using: &generator))
    }

    init(unchecked rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        guard let id = AccountID(rawValue: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "malformed account id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
