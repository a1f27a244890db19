import WireFormat

/// The secrets a Welcome gives one new member (RFC 9420 §12.4.3.1, `GroupSecrets`).
///
/// Both secrets are ``Secret``s: they never print (the description shows only what is present)
/// and compare in constant time.
public struct GroupSecrets: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public var joinerSecret: Secret
    /// The path secret of the lowest common ancestor of the committer and the new member,
    /// when the Commit had a path (`optional<PathSecret>`).
    public var pathSecret: Secret?
    /// The PSKs of the Commit, in the order of its PreSharedKey proposals.
    public var psks: [PreSharedKeyID]

    public init(joinerSecret: Secret, pathSecret: Secret?, psks: [PreSharedKeyID]) {
        self.joinerSecret = joinerSecret
        self.pathSecret = pathSecret
        self.psks = psks
    }

    public var description: String {
        "GroupSecrets(path secret: \(pathSecret == nil ? "no" : "yes"), \(psks.count) PSKs)"
    }

    public var debugDescription: String { description }
}
