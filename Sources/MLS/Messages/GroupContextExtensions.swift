import WireFormat

/// A GroupContextExtensions proposal (RFC 9420 §12.1.7): replace the group's extensions wholesale.
public struct GroupContextExtensions: Hashable, Sendable {
    public var extensions: [Extension]

    public init(extensions: [Extension]) {
        self.extensions = extensions
    }
}
