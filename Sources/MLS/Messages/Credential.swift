import WireFormat

/// A credential (RFC 9420 §5.3): the identity a member presents, bound to its signature key
/// by the Authentication Service.
///
/// Only the two credential types of RFC 9420 are representable: a credential of any other
/// type cannot be decoded (its body has no length prefix), and RFC 9420 §13.5 says such a
/// message is rejected. Letterlock uses `basic` credentials whose identity bytes are a
/// ``LetterlockIdentity``; whether a credential is acceptable is decided by a
/// ``CredentialValidator`` (the hook key transparency plugs into).
public enum Credential: Hashable, Sendable {
    /// `basic`: the identity bytes, whose format the application defines.
    case basic(identity: [UInt8])
    /// `x509`: DER certificates, end-entity first.
    case x509(certificates: [[UInt8]])

    /// The credential's type.
    public var credentialType: CredentialType {
        switch self {
        case .basic: .basic
        case .x509: .x509
        }
    }

    /// A basic credential carrying a Letterlock account and device identity.
    public init(_ identity: LetterlockIdentity) {
        self = .basic(identity: identity.wireBytes)
    }
}
