import WireFormat

/// A credential (RFC 9420 §5.3): the identity a member presents, bound to its signature key
/// by the Authentication Service.
///
/// A credential of a type other than `basic` and `x509` is kept as ``unknown(type:data:)``
/// (review L9): RFC 9420 allows any credential type every member supports, so one such leaf must
/// not make a whole ratchet tree, Welcome or KeyPackage undecodable. RFC 9420 does not define
/// the body of other types; like deployed implementations, Letterlock reads it as one
/// `opaque data<V>`. ``LeafNodeValidator`` rejects such a credential (Letterlock supports
/// none), so it can be carried and re-encoded but never accepted. Letterlock uses `basic` credentials whose identity bytes are a
/// ``LetterlockIdentity``; whether a credential is acceptable is decided by a
/// ``CredentialValidator`` (the hook key transparency plugs into).
public enum Credential: Hashable, Sendable {
    /// `basic`: the identity bytes, whose format the application defines.
    case basic(identity: [UInt8])
    /// `x509`: DER certificates, end-entity first.
    case x509(certificates: [[UInt8]])
    /// Any other type, with its body as received (`opaque data<V>`); never valid here.
    case unknown(type: CredentialType, data: [UInt8])

    /// The credential's type.
    public var credentialType: CredentialType {
        switch self {
        case .basic: .basic
        case .x509: .x509
        case .unknown(let type, _): type
        }
    }

    /// A basic credential carrying a Letterlock account and device identity.
    public init(_ identity: LetterlockIdentity) {
        self = .basic(identity: identity.wireBytes)
    }
}
