import WireFormat

/// An ExternalInit proposal (RFC 9420 §12.1.6): the KEM output an external joiner
/// derived its init secret from.
public struct ExternalInit: Hashable, Sendable {
    public var kemOutput: [UInt8]

    public init(kemOutput: [UInt8]) {
        self.kemOutput = kemOutput
    }
}
