import RelayStorage

/// Maps storage refusals onto API errors in one place.
struct RelayStorageErrorBridge {
    let error: RelayStorageError

    var relayError: RelayError {
        switch error {
        case .deviceLimitReached: .deviceLimitReached
        case .lastDevice: .lastDevice
        case .deviceExists, .accountExists: .deviceExists
        case .usernameTaken: .usernameTaken
        case .keyPackageLimitReached: .keyPackageLimitReached
        case .commitConflict: .commitConflict
        case .commitEpochAhead: .commitEpochAhead
        case .unknownDevice, .unknownAccount: .notFound
        case .invalidValue: .malformedRequest
        case .quotaExceeded: .quotaExceeded
        default: .internalError
        }
    }
}
