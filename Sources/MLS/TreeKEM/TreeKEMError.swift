/// Why creating, merging or decrypting an UpdatePath failed (RFC 9420 §7.4–§7.7).
/// Descriptions carry no key material.
public struct TreeKEMError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case senderBlank
        case pathLength
        case ciphertextCount
        case parentHashMismatch
        case leafSourceNotCommit
        case keyAlreadyInTree
        case noDecryptionKey
        case publicKeyMismatch
        case privateStateInconsistent
        case invalidPublicKey
        case crypto(MLSCryptoError)
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The sender's leaf is blank or outside the tree.
    public static let senderBlank = Self(.senderBlank)
    /// The UpdatePath does not have one node per node of the sender's filtered direct path.
    public static let pathLength = Self(.pathLength)
    /// A node's encrypted path secrets do not match its copath resolution, one per node.
    public static let ciphertextCount = Self(.ciphertextCount)
    /// The leaf's `parent_hash` is not the parent hash of the path it came with (RFC 9420 §7.9.2).
    public static let parentHashMismatch = Self(.parentHashMismatch)
    /// The UpdatePath's leaf node does not have source `commit`.
    public static let leafSourceNotCommit = Self(.leafSourceNotCommit)
    /// A public key of the UpdatePath already appears in the tree (RFC 9420 §12.4.2).
    public static let keyAlreadyInTree = Self(.keyAlreadyInTree)
    /// This member holds no private key for any node the path secret was encrypted to.
    public static let noDecryptionKey = Self(.noDecryptionKey)
    /// A key pair derived from a decrypted path secret does not match the UpdatePath's public key.
    public static let publicKeyMismatch = Self(.publicKeyMismatch)
    /// A private key does not match the public key of its node in the tree.
    public static let privateStateInconsistent = Self(.privateStateInconsistent)
    /// A public key of the UpdatePath is not a key of the suite's KEM (it does not decode).
    public static let invalidPublicKey = Self(.invalidPublicKey)
    /// A cryptographic operation failed.
    public static func crypto(_ error: MLSCryptoError) -> Self { Self(.crypto(error)) }

    public var description: String {
        switch code {
        case .senderBlank: "TreeKEM: the sender's leaf is blank"
        case .pathLength: "TreeKEM: UpdatePath length does not match the filtered direct path"
        case .ciphertextCount: "TreeKEM: encrypted path secrets do not match the copath resolution"
        case .parentHashMismatch: "TreeKEM: the leaf's parent hash does not match the path"
        case .leafSourceNotCommit: "TreeKEM: the UpdatePath leaf's source is not commit"
        case .keyAlreadyInTree: "TreeKEM: an UpdatePath public key already appears in the tree"
        case .noDecryptionKey: "TreeKEM: no private key for the path secret's recipients"
        case .publicKeyMismatch: "TreeKEM: derived public key does not match the UpdatePath"
        case .privateStateInconsistent: "TreeKEM: private key does not match the tree"
        case .invalidPublicKey: "TreeKEM: an UpdatePath public key is not valid for the cipher suite"
        case .crypto(let error): "TreeKEM: \(error)"
        }
    }
}
