/// Why a store refused an operation. A struct over a private code so that codes can be added.
public struct RelayStorageError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case accountExists, deviceExists, usernameTaken, unknownAccount, unknownDevice, deviceLimitReached, lastDevice
        case keyPackageLimitReached, commitConflict, commitEpochAhead, invalidValue, quotaExceeded, mailboxFull
        case recipientNotAuthorized
    }

    private let code: Code
    private init(_ code: Code) { self.code = code }

    /// An account with this id already exists.
    public static let accountExists = RelayStorageError(.accountExists)
    /// A device with this id or public key already exists.
    public static let deviceExists = RelayStorageError(.deviceExists)
    /// Another account holds this username.
    public static let usernameTaken = RelayStorageError(.usernameTaken)
    public static let unknownAccount = RelayStorageError(.unknownAccount)
    /// A device named in the operation does not exist.
    public static let unknownDevice = RelayStorageError(.unknownDevice)
    /// The account already has as many devices as allowed.
    public static let deviceLimitReached = RelayStorageError(.deviceLimitReached)
    /// The last device of an account cannot be removed: delete the account instead.
    public static let lastDevice = RelayStorageError(.lastDevice)
    /// The device already stores as many KeyPackages for this cipher suite as allowed.
    public static let keyPackageLimitReached = RelayStorageError(.keyPackageLimitReached)
    /// A recipient already holds a claim by another commit for this (group id, epoch).
    public static let commitConflict = RelayStorageError(.commitConflict)
    /// A commit for an epoch more than one past the highest epoch its recipients hold claims for
    /// in the group: no commit can have led there, so it is refused rather than allowed to claim
    /// the future.
    public static let commitEpochAhead = RelayStorageError(.commitEpochAhead)
    /// A sealed delivery named a recipient whose account's current delivery token is not the one
    /// presented for it (or has none): see ``Delivery/deliveryTokenHashes``.
    public static let recipientNotAuthorized = RelayStorageError(.recipientNotAuthorized)
    /// A recipient's queue already holds ``Delivery/mailboxLimit`` entries.
    public static let mailboxFull = RelayStorageError(.mailboxFull)
    /// The account's blobs and uploads would exceed its quota.
    public static let quotaExceeded = RelayStorageError(.quotaExceeded)
    /// A value breaks a storage constraint (size, range).
    public static let invalidValue = RelayStorageError(.invalidValue)

    public var description: String {
        switch code {
        case .accountExists: "account already exists"
        case .deviceExists: "device already exists"
        case .usernameTaken: "username is taken"
        case .unknownAccount: "unknown account"
        case .unknownDevice: "unknown device"
        case .deviceLimitReached: "device limit reached"
        case .lastDevice: "cannot remove the last device of an account"
        case .keyPackageLimitReached: "key package limit reached"
        case .commitConflict: "another commit was accepted for this epoch"
        case .commitEpochAhead: "the group has no commit for the previous epoch"
        case .invalidValue: "value violates a storage constraint"
        case .quotaExceeded: "storage quota exceeded"
        case .mailboxFull: "a recipient's mailbox is full"
        case .recipientNotAuthorized: "a recipient's delivery token does not match"
        }
    }
}
