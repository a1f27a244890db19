/// Devices of an account, each with its own signing key.
public enum DeviceKind: RelayIdentifierKind {
    public static let noun = "device"
}

/// A random device identifier: 16 random bytes, lowercase hex (32 characters).
public typealias DeviceID = RelayIdentifier<DeviceKind>
