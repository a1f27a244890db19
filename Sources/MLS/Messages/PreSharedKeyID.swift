import WireFormat

/// Identifies a pre-shared key injected into the key schedule (RFC 9420 §8.4, `PreSharedKeyID`).
public struct PreSharedKeyID: Hashable, Sendable {
    /// The `psktype` and the fields it selects.
    public enum Kind: Hashable, Sendable {
        /// `external(1)`: a PSK the application provisioned, named by `psk_id`.
        case external(pskID: [UInt8])
        /// `resumption(2)`: the `resumption_psk` of epoch `epoch` of group `groupID`.
        case resumption(usage: ResumptionPSKUsage, groupID: [UInt8], epoch: UInt64)
    }

    public var kind: Kind
    /// `psk_nonce`: fresh and `KDF.Nh` bytes long (checked by proposal validation).
    public var nonce: [UInt8]

    public init(kind: Kind, nonce: [UInt8]) {
        self.kind = kind
        self.nonce = nonce
    }
}
