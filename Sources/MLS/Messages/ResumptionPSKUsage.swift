import WireFormat

/// What a resumption PSK is used for (RFC 9420 §8.4, `ResumptionPSKUsage`). Closed: the RFC
/// fixes the set and an unknown usage is rejected when decoding.
public enum ResumptionPSKUsage: UInt8, Hashable, Sendable {
    case application = 1
    case reinit = 2
    case branch = 3
}
