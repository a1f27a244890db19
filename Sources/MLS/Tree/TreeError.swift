import WireFormat

/// Why a ratchet tree operation or validation failed. Descriptions name the rule broken and
/// never carry key material or identities.
public struct TreeError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case blankLeaf
        case unsupportedProposal
        case leafOutOfRange
        case nodeOutOfRange
        case treeHashMismatch
        case parentHashInvalid
        case unmergedLeafInvalid
        case duplicateEncryptionKey
        case duplicateSignatureKey
        case invalidLeaf(LeafNodeValidationError)
        case shape
        case tooManyLeaves
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// The leaf is blank (e.g. an Update or Remove names an empty leaf).
    public static let blankLeaf = TreeError(.blankLeaf)
    /// The proposal does not change the tree this way (only Add, Update and Remove do).
    public static let unsupportedProposal = TreeError(.unsupportedProposal)
    /// A leaf index lies outside the tree.
    public static let leafOutOfRange = TreeError(.leafOutOfRange)
    /// A node index lies outside the tree.
    public static let nodeOutOfRange = TreeError(.nodeOutOfRange)
    /// The tree's root hash is not the one the group context commits to (RFC 9420 §12.4.3.1).
    public static let treeHashMismatch = TreeError(.treeHashMismatch)
    /// Some non-blank parent node is not parent-hash valid (RFC 9420 §7.9.2).
    public static let parentHashInvalid = TreeError(.parentHashInvalid)
    /// An unmerged leaf is blank, not below its parent, or missing from an intermediate node (RFC 9420 §12.4.3.1).
    public static let unmergedLeafInvalid = TreeError(.unmergedLeafInvalid)
    /// Two nodes carry the same HPKE encryption key (RFC 9420 §7.3, §12.4.3.1).
    public static let duplicateEncryptionKey = TreeError(.duplicateEncryptionKey)
    /// Two leaves carry the same signature key (RFC 9420 §7.3).
    public static let duplicateSignatureKey = TreeError(.duplicateSignatureKey)
    /// The nodes do not form a ratchet tree (leaf at a parent position or the reverse, empty tree).
    public static let shape = TreeError(.shape)
    /// The tree has more leaves than the configured maximum (review M5).
    public static let tooManyLeaves = TreeError(.tooManyLeaves)
    /// A leaf node failed validation (RFC 9420 §7.3).
    public static func invalidLeaf(_ error: LeafNodeValidationError) -> TreeError { TreeError(.invalidLeaf(error)) }

    public var description: String {
        switch code {
        case .blankLeaf: "ratchet tree: the leaf is blank"
        case .unsupportedProposal: "ratchet tree: the proposal does not apply to the tree"
        case .leafOutOfRange: "ratchet tree: leaf index outside the tree"
        case .nodeOutOfRange: "ratchet tree: node index outside the tree"
        case .treeHashMismatch: "ratchet tree: tree hash does not match the group context"
        case .parentHashInvalid: "ratchet tree: a parent node is not parent-hash valid"
        case .unmergedLeafInvalid: "ratchet tree: invalid unmerged leaf"
        case .duplicateEncryptionKey: "ratchet tree: an encryption key appears twice"
        case .duplicateSignatureKey: "ratchet tree: a signature key appears twice"
        case .invalidLeaf(let error): "ratchet tree: \(error)"
        case .shape: "ratchet tree: malformed node array"
        case .tooManyLeaves: "ratchet tree: more leaves than the configured maximum"
        }
    }
}
