import WireFormat

/// An Add proposal (RFC 9420 §12.1.1): add the client of `keyPackage`.
///
/// The KeyPackage is carried as received; the group validates it before applying the Add.
public struct Add: Hashable, Sendable {
    public var keyPackage: KeyPackageIn

    public init(keyPackage: KeyPackageIn) {
        self.keyPackage = keyPackage
    }
}
