import WireFormat

/// GroupSecrets encrypted to one new member's KeyPackage (RFC 9420 §12.4.3.1,
/// `EncryptedGroupSecrets`).
public struct EncryptedGroupSecrets: Hashable, Sendable {
    /// `KeyPackageRef new_member`: the reference of the KeyPackage it is encrypted to.
    public var newMember: [UInt8]
    public var encryptedGroupSecrets: HPKECiphertext

    public init(newMember: [UInt8], encryptedGroupSecrets: HPKECiphertext) {
        self.newMember = newMember
        self.encryptedGroupSecrets = encryptedGroupSecrets
    }
}
