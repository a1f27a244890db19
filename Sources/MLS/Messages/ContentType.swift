import WireFormat

/// The type of a message's content (RFC 9420 §6, `ContentType`). Closed: the RFC fixes
/// the set, and an unknown value is rejected when decoding.
public enum ContentType: UInt8, Hashable, Sendable {
    case application = 1
    case proposal = 2
    case commit = 3
}
