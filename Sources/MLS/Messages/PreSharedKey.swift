import WireFormat

/// A PreSharedKey proposal (RFC 9420 §12.1.4): inject the PSK `psk` into the next epoch.
public struct PreSharedKey: Hashable, Sendable {
    public var psk: PreSharedKeyID

    public init(psk: PreSharedKeyID) {
        self.psk = psk
    }
}
