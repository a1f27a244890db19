import WireFormat

/// The validity period of a LeafNode from a KeyPackage (RFC 9420 §7.2, `Lifetime`), in
/// seconds since the Unix epoch, both ends inclusive.
public struct Lifetime: Hashable, Sendable {
    public var notBefore: UInt64
    public var notAfter: UInt64

    public init(notBefore: UInt64, notAfter: UInt64) {
        self.notBefore = notBefore
        self.notAfter = notAfter
    }

    /// Whether `time` (seconds since the Unix epoch) lies within the lifetime.
    public func contains(_ time: UInt64) -> Bool {
        notBefore <= time && time <= notAfter
    }

    /// The total length of the lifetime in seconds (0 if it is inverted).
    public var duration: UInt64 {
        notAfter >= notBefore ? notAfter - notBefore : 0
    }
}
