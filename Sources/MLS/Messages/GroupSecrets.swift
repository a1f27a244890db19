import WireFormat

/// The secrets a Welcome gives one new member (RFC 9420 §12.4.3.1, `GroupSecrets`).
public struct GroupSecrets: Hashable, Sendable {
    public var joinerSecret: [UInt8]
    /// The path secret of the lowest common ancestor of the committer and the new member,
    /// when the Commit had a path (`optional<PathSecret>`).
    public var pathSecret: [UInt8]?
    /// The PSKs of the Commit, in the order of its PreSharedKey proposals.
    public var psks: [PreSharedKeyID]

    public init(joinerSecret: [UInt8], pathSecret: [UInt8]?, psks: [PreSharedKeyID]) {
        self.joinerSecret = joinerSecret
        self.pathSecret = pathSecret
        self.psks = psks
    }
}
