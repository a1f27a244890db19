/// The devices of each account.
public protocol DeviceStore: Sendable {
    /// Adds a device unless its account already has `limit` devices (checked atomically).
    /// - Throws: ``RelayStorageError/deviceLimitReached``, ``RelayStorageError/unknownAccount``,
    ///   ``RelayStorageError/deviceExists``.
    func addDevice(_ device: Device, limit: Int) async throws

    func device(_ id: DeviceID) async throws -> Device?

    /// The account's devices, oldest first.
    func devices(of account: AccountID) async throws -> [Device]

    /// Removes the device with its key packages and mailbox.
    /// - Throws: ``RelayStorageError/lastDevice`` for an account's only device,
    ///   ``RelayStorageError/unknownDevice``.
    func removeDevice(_ id: DeviceID) async throws
}
