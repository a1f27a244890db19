import Crypto
import Foundation
import WireFormat

/// The labeled constructions of RFC 9420 §5.1-5.2 and §8, with "MLS 1.0 " prefixed to every label.
///
/// The encoded label structs are written straight into one reserved buffer (no intermediate
/// writers), since ExpandWithLabel runs for every message key in the secret tree.
extension CryptoSuite {
    static let labelPrefix = Array("MLS 1.0 ".utf8)

    /// Appends `opaque label<V> = "MLS 1.0 " + label` to `buffer`.
    @inline(__always)
    static func appendLabel(_ label: some Collection<UInt8>, to buffer: inout [UInt8]) {
        appendVarintLength(labelPrefix.count + label.count, to: &buffer)
        buffer.append(contentsOf: labelPrefix)
        buffer.append(contentsOf: label)
    }

    /// Appends the RFC 9420 §2.1.2 header for `length` (callers keep lengths below 2^30).
    @inline(__always)
    static func appendVarintLength(_ length: Int, to buffer: inout [UInt8]) {
        switch length {
        case 0...0x3f:
            buffer.append(UInt8(length))
        case 0x40...0x3fff:
            buffer.append(0x40 | UInt8(length >> 8))
            buffer.append(UInt8(truncatingIfNeeded: length))
        default:
            buffer.append(0x80 | UInt8(truncatingIfNeeded: length >> 24))
            buffer.append(UInt8(truncatingIfNeeded: length >> 16))
            buffer.append(UInt8(truncatingIfNeeded: length >> 8))
            buffer.append(UInt8(truncatingIfNeeded: length))
        }
    }

    // MARK: §8 key derivation

    /// `ExpandWithLabel(Secret, Label, Context, Length) = KDF.Expand(Secret, KDFLabel, Length)`
    /// where `KDFLabel = { uint16 length; opaque label<V> = "MLS 1.0 " + Label; opaque context<V> }`.
    public func expandWithLabel(secret: Secret, label: String, context: [UInt8], length: Int) throws(MLSCryptoError) -> Secret {
        try expandWithLabel(secret: secret, labelBytes: label.utf8, context: context, length: length)
    }

    /// ``expandWithLabel(secret:label:context:length:)`` with a label of arbitrary bytes (exporter labels are bytes).
    public func expandWithLabel(
        secret: Secret, labelBytes label: some Collection<UInt8>, context: [UInt8], length: Int
    ) throws(MLSCryptoError) -> Secret {
        guard length >= 0, length <= Int(UInt16.max) else { throw .invalidArgument("ExpandWithLabel length") }
        guard context.count <= WireWriter.maximumLength, label.count < WireWriter.maximumLength - 8 else {
            throw .invalidArgument("ExpandWithLabel input size")
        }
        guard length <= 255 * hashLength else { throw .invalidArgument("KDF output length") }
        let expander = KeyedExpander(hash, secret: secret)
        return context.withUnsafeBytes { expander.expandWithLabel(label: label, context: $0, length: length) }
    }

    /// `DeriveSecret(Secret, Label) = ExpandWithLabel(Secret, Label, "", KDF.Nh)`.
    public func deriveSecret(secret: Secret, label: String) throws(MLSCryptoError) -> Secret {
        try expandWithLabel(secret: secret, labelBytes: label.utf8, context: [], length: hashLength)
    }

    /// ``deriveSecret(secret:label:)`` with a label of arbitrary bytes.
    public func deriveSecret(secret: Secret, labelBytes label: some Collection<UInt8>) throws(MLSCryptoError) -> Secret {
        try expandWithLabel(secret: secret, labelBytes: label, context: [], length: hashLength)
    }

    /// `DeriveTreeSecret(Secret, Label, Generation, Length) = ExpandWithLabel(Secret, Label, uint32 Generation, Length)` (§9.1).
    public func deriveTreeSecret(secret: Secret, label: String, generation: UInt32, length: Int) throws(MLSCryptoError) -> Secret {
        let context: [UInt8] = [
            UInt8(truncatingIfNeeded: generation >> 24), UInt8(truncatingIfNeeded: generation >> 16),
            UInt8(truncatingIfNeeded: generation >> 8), UInt8(truncatingIfNeeded: generation),
        ]
        return try expandWithLabel(secret: secret, label: label, context: context, length: length)
    }

    // MARK: §5.2 hash-based identifiers

    /// `RefHash(label, value) = Hash(RefHashInput { opaque label<V>; opaque value<V> })`. The label is
    /// used as given (callers pass the full "MLS 1.0 KeyPackage Reference" and so on).
    public func refHash(label: String, value: [UInt8]) -> [UInt8] {
        var writer = WireWriter(reservingCapacity: label.utf8.count + value.count + 8)
        writer.writeOpaque(Array(label.utf8))
        writer.writeOpaque(value)
        return hash(writer.bytes)
    }

    /// `MakeKeyPackageRef(value) = RefHash("MLS 1.0 KeyPackage Reference", value)`.
    public func makeKeyPackageRef(_ keyPackage: [UInt8]) -> [UInt8] {
        refHash(label: "MLS 1.0 KeyPackage Reference", value: keyPackage)
    }

    /// `MakeProposalRef(value) = RefHash("MLS 1.0 Proposal Reference", value)`.
    public func makeProposalRef(_ authenticatedContent: [UInt8]) -> [UInt8] {
        refHash(label: "MLS 1.0 Proposal Reference", value: authenticatedContent)
    }

    // MARK: §5.1.2 signing

    /// `SignContent { opaque label<V> = "MLS 1.0 " + Label; opaque content<V> }`.
    static func signContent(label: String, content: [UInt8]) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(8 + labelPrefix.count + label.utf8.count + content.count)
        appendLabel(label.utf8, to: &buffer)
        appendVarintLength(content.count, to: &buffer)
        buffer.append(contentsOf: content)
        return buffer
    }

    /// `SignWithLabel(SignatureKey, Label, Content)`.
    /// - Throws: ``MLSCryptoError/invalidPrivateKey`` when the key is not of this suite's scheme.
    public func signWithLabel(privateKey: SignaturePrivateKey, label: String, content: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        guard privateKey.scheme == signatureScheme else { throw .invalidPrivateKey }
        return try privateKey.sign(Self.signContent(label: label, content: content))
    }

    /// `Signature.Sign` over an already encoded `SignContent` (for callers that build it in one
    /// buffer with the content, see `MessageProtection.framedContentSignContent`).
    func sign(privateKey: SignaturePrivateKey, signContent: [UInt8]) throws(MLSCryptoError) -> [UInt8] {
        guard privateKey.scheme == signatureScheme else { throw .invalidPrivateKey }
        return try privateKey.sign(signContent)
    }

    /// `Signature.Verify` over an already encoded `SignContent`.
    func verify(publicKey: [UInt8], signContent: [UInt8], signature: [UInt8]) -> Bool {
        signatureScheme.verify(publicKey: publicKey, message: signContent, signature: signature)
    }

    /// `VerifyWithLabel(VerificationKey, Label, Content, SignatureValue)`.
    public func verifyWithLabel(publicKey: [UInt8], label: String, content: [UInt8], signature: [UInt8]) -> Bool {
        signatureScheme.verify(publicKey: publicKey, message: Self.signContent(label: label, content: content), signature: signature)
    }

    // MARK: §5.1.3 public-key encryption

    /// `EncryptContext { opaque label<V> = "MLS 1.0 " + Label; opaque context<V> }`.
    static func encryptContext(label: String, context: [UInt8]) -> [UInt8] {
        signContent(label: label, content: context)  // the same two-field shape
    }

    /// `EncryptWithLabel(PublicKey, Label, Context, Plaintext) = SealBase(PublicKey, EncryptContext, "", Plaintext)`.
    public func encryptWithLabel(
        publicKey: [UInt8], label: String, context: [UInt8], plaintext: [UInt8]
    ) throws(MLSCryptoError) -> (kemOutput: [UInt8], ciphertext: [UInt8]) {
        try sealBase(publicKey: publicKey, info: Self.encryptContext(label: label, context: context), aad: [], plaintext: plaintext)
    }

    /// `DecryptWithLabel(PrivateKey, Label, Context, KEMOutput, Ciphertext) = OpenBase(KEMOutput, PrivateKey, EncryptContext, "", Ciphertext)`.
    public func decryptWithLabel(
        privateKey: HPKEPrivateKey, label: String, context: [UInt8], kemOutput: [UInt8], ciphertext: [UInt8]
    ) throws(MLSCryptoError) -> [UInt8] {
        try openBase(
            kemOutput: kemOutput, privateKey: privateKey, info: Self.encryptContext(label: label, context: context), aad: [],
            ciphertext: ciphertext)
    }

    /// `DeriveKeyPair(ikm)` of the suite's KEM (see ``HPKEKEM/deriveKeyPair(ikm:)``).
    public func deriveKeyPair(ikm: Secret) throws(MLSCryptoError) -> HPKEPrivateKey {
        var bytes = ikm.exportedBytes
        defer { Zeroize.bytes(&bytes) }
        return try kem.deriveKeyPair(ikm: bytes)
    }
}
