import WireFormat

/// The Authentication Service hook (RFC 9420 §5.3.1): decides whether a credential
/// legitimately binds its identity to a signature key.
///
/// MLS calls it whenever a credential enters the group (KeyPackage, Add, Update, Commit path,
/// joining a tree). Key transparency plugs in here: its validator checks the identity's
/// device key against the log. Implementations must not log identities.
public protocol CredentialValidator: Sendable {
    /// Throws ``CredentialValidationError`` when `credential` is not acceptable with `signatureKey`.
    func validate(_ credential: Credential, signatureKey: [UInt8]) throws(CredentialValidationError)

    /// Throws when `new` is not a valid successor of `old` (§5.3.1: "In cases where a member's
    /// credential is being replaced, such as the Update and Commit cases above, the AS MUST
    /// also verify that the set of presented identifiers in the new credential is valid as a
    /// successor to the set of presented identifiers in the old credential"). Called for
    /// Update leaves, Commit path leaves and the leaf of an external resync, after
    /// ``validate(_:signatureKey:)`` accepted `new`. The default requires the same credential.
    func validateSuccessor(_ new: Credential, of old: Credential) throws(CredentialValidationError)
}

extension CredentialValidator {
    public func validateSuccessor(_ new: Credential, of old: Credential) throws(CredentialValidationError) {
        guard new == old else { throw CredentialValidationError(reason: "credential is not a valid successor") }
    }
}

/// Why a ``CredentialValidator`` rejected a credential.
public struct CredentialValidationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A short reason without user data, chosen by the validator.
    public let reason: String

    public init(reason: String) {
        self.reason = reason
    }

    public var description: String { "credential rejected: \(reason)" }
}

/// Accepts only `basic` credentials whose identity is a well-formed ``LetterlockIdentity``.
///
/// This checks syntax, not the binding to the key: it stands in until key transparency
/// provides a validator that does (ARCHITECTURE.md, key decision 2).
public struct LetterlockIdentityValidator: CredentialValidator {
    public init() {}

    public func validate(_ credential: Credential, signatureKey: [UInt8]) throws(CredentialValidationError) {
        guard LetterlockIdentity(credential: credential) != nil else {
            throw CredentialValidationError(reason: "not a Letterlock basic credential")
        }
    }
}

/// Accepts every credential. For interop test vectors, whose credentials are arbitrary;
/// never for a real group.
public struct AcceptAllCredentialsValidator: CredentialValidator {
    public init() {}

    public func validate(_ credential: Credential, signatureKey: [UInt8]) throws(CredentialValidationError) {}

    public func validateSuccessor(_ new: Credential, of old: Credential) throws(CredentialValidationError) {}
}
