import WireFormat

/// The `external_pub` GroupInfo extension (RFC 9420 §12.4.3.2): the HPKE key external
/// joiners encrypt to.
public struct ExternalPub: Hashable, Sendable {
    public var externalPub: [UInt8]

    public init(externalPub: [UInt8]) {
        self.externalPub = externalPub
    }
}
