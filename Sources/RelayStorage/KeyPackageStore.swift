/// The key directory's KeyPackages (RFC 9750 §5.1).
public protocol KeyPackageStore: Sendable {
    /// Adds one-time packages and, when given, replaces the device's last-resort package for that
    /// cipher suite. All or nothing.
    /// - Throws: ``RelayStorageError/keyPackageLimitReached`` when a suite would hold more than
    ///   `limitPerSuite` one-time packages; ``RelayStorageError/unknownDevice``.
    func storeKeyPackages(_ packages: [KeyPackageUpload], lastResort: KeyPackageUpload?, for device: DeviceID, limitPerSuite: Int)
        async throws

    /// Hands out one of the device's one-time packages for the suite and deletes it, atomically:
    /// concurrent claims never receive the same package. When none is left, returns the
    /// last-resort package without consuming it; nil when there is neither.
    func claimKeyPackage(of device: DeviceID, cipherSuite: UInt16) async throws -> ClaimedKeyPackage?

    /// Remaining packages per cipher suite, ascending by suite.
    func keyPackageCounts(of device: DeviceID) async throws -> [KeyPackageCount]
}
