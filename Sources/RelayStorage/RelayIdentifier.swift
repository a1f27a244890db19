/// What a ``RelayIdentifier`` names. The kind makes each identifier its own type (an account id
/// is never taken for a device id) and gives its decoding errors their noun.
public protocol RelayIdentifierKind: Sendable {
    /// "account", "device": used in decoding errors.
    static var noun: String { get }
}

/// A random identifier of the relay (``AccountID``, ``DeviceID``): 16 random bytes, lowercase
/// hex (32 characters). It says nothing about its owner.
public struct RelayIdentifier<Kind: RelayIdentifierKind>: Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Wraps a stored or received value; returns nil unless it is 32 lowercase hex characters.
    public init?(rawValue: String) {
        guard Identifier.isWellFormed(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// A fresh random id.
    public static func random<G: RandomNumberGenerator>(using generator: inout G) -> Self {
        Self(unchecked: Identifier.random(using: &generator))
    }

    init(unchecked rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        let value = try decoder.singleValueContainer().decode(String.self)
        guard let id = Self(rawValue: value) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "malformed \(Kind.noun) id"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
