import WireFormat

/// A Remove proposal (RFC 9420 §12.1.3): remove the member at leaf index `removed`.
public struct Remove: Hashable, Sendable {
    public var removed: UInt32

    public init(removed: UInt32) {
        self.removed = removed
    }
}
