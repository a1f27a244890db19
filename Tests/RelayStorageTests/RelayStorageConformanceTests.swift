import RelayStorage
import Testing

/// Runs every ``RelayStorageConformance`` contract against every ``StoreDriver``.
@Suite struct RelayStorageConformanceTests {
    @Test(arguments: StoreDriver.allCases) func accountsAndUsernames(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.accountsAndUsernames)
    }

    @Test(arguments: StoreDriver.allCases) func deviceLimitAndRemoval(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.deviceLimitAndRemoval)
    }

    @Test(arguments: StoreDriver.allCases) func keyPackagesAreConsumedOnce(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.keyPackagesAreConsumedOnce)
    }

    @Test(arguments: StoreDriver.allCases) func concurrentClaimsHandOutEachPackageOnce(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.concurrentClaimsHandOutEachPackageOnce)
    }

    @Test(arguments: StoreDriver.allCases) func deliveryIsAtomicAndOrdered(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.deliveryIsAtomicAndOrdered)
    }

    @Test(arguments: StoreDriver.allCases) func oneCommitPerEpoch(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.oneCommitPerEpoch)
    }

    @Test(arguments: StoreDriver.allCases) func commitClaimsBindTheirRecipients(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.commitClaimsBindTheirRecipients)
    }

    @Test(arguments: StoreDriver.allCases) func accountsAreCappedInBytes(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.accountsAreCappedInBytes)
    }

    @Test(arguments: StoreDriver.allCases) func requestsAndBlocks(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.requestsAndBlocks)
    }

    @Test(arguments: StoreDriver.allCases) func entriesExpire(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.entriesExpire)
    }

    @Test(arguments: StoreDriver.allCases) func deliveryTokens(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.deliveryTokens)
    }

    @Test(arguments: StoreDriver.allCases) func mailboxesAreCapped(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.mailboxesAreCapped)
    }

    @Test(arguments: StoreDriver.allCases) func deliveryChecksTokens(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.deliveryChecksTokens)
    }

    @Test(arguments: StoreDriver.allCases) func deliveryReportsStoredEntries(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.deliveryReportsStoredEntries)
    }

    @Test(arguments: StoreDriver.allCases) func requestNonces(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.requestNonces)
    }

    @Test(arguments: StoreDriver.allCases) func rateLimits(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.rateLimits)
    }

    @Test(arguments: StoreDriver.allCases) func deletingAnAccountErasesEverything(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.deletingAnAccountErasesEverything)
    }

    @Test(arguments: StoreDriver.allCases) func blobsUploadsAndQuota(_ driver: StoreDriver) async throws {
        try await driver.withStore(RelayStorageConformance.blobsUploadsAndQuota)
    }
}
