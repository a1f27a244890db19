import WireFormat

/// One extension (RFC 9420 §7.2, `Extension`): a type and opaque data.
///
/// Extensions appear in KeyPackages, LeafNodes, the GroupContext and GroupInfo.
/// The data of an extension this implementation does not know is carried
/// untouched (RFC 9420 §13.4: unknown extensions are ignored, not rejected,
/// except in the GroupContext, where the group's validation rejects them).
public struct Extension: Hashable, Sendable {
    public var extensionType: ExtensionType
    public var extensionData: [UInt8]

    public init(extensionType: ExtensionType, extensionData: [UInt8]) {
        self.extensionType = extensionType
        self.extensionData = extensionData
    }
}

extension Array where Element == Extension {
    /// The first extension of `type`, if any (lists never hold two of one type: see `readExtensions`).
    public func first(ofType type: ExtensionType) -> Extension? {
        first { $0.extensionType == type }
    }
}
