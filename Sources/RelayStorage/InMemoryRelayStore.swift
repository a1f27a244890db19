public import Foundation

/// A ``RelayStore`` held in memory: for tests and for trying the relay without a disk.
/// An actor, so every operation is atomic by construction.
public actor InMemoryRelayStore: RelayStore {
    struct ClaimKey: Hashable {
        var groupID: Data
        var device: DeviceID
        var epoch: UInt64
    }

    struct SuitePackages {
        var oneTime: [Data] = []
        var lastResort: Data?
    }

    struct NonceKey: Hashable {
        var device: DeviceID
        var nonce: String
    }

    struct RateLimitKey: Hashable {
        var key: String
        var windowSeconds: Int64
        var windowStart: Int64
    }

    var accounts: [AccountID: Account] = [:]
    var usernames: [String: AccountID] = [:]
    var devices: [DeviceID: Device] = [:]
    var publicKeys: Set<Data> = []
    var keyPackages: [DeviceID: [UInt16: SuitePackages]] = [:]
    /// Each device's entries in ascending id order (ids only grow, so appending keeps it sorted).
    var mailboxes: [DeviceID: [MailboxEntry]] = [:]
    var nextEntryID: Int64 = 1
    var commitClaims: [ClaimKey: CommitClaim] = [:]
    var tokenHashes: [AccountID: Data] = [:]
    var blocks: [AccountID: Set<AccountID>] = [:]
    var rateLimits: [RateLimitKey: Int] = [:]
    /// Nonces of accepted requests and when each expires.
    var requestNonces: [NonceKey: Date] = [:]
    var blobs: [String: [AccountID: BlobRecord]] = [:]
    var uploads: [String: BlobUpload] = [:]

    public init() {}
}

// MARK: - AccountStore

extension InMemoryRelayStore {
    public func createAccount(_ account: Account, firstDevice: Device) throws {
        guard accounts[account.id] == nil else { throw RelayStorageError.accountExists }
        guard firstDevice.accountID == account.id else { throw RelayStorageError.invalidValue }
        try checkNewDevice(firstDevice)
        if let username = account.username {
            guard usernames[username] == nil else { throw RelayStorageError.usernameTaken }
            usernames[username] = account.id
        }
        accounts[account.id] = account
        insert(firstDevice)
    }

    public func account(_ id: AccountID) -> Account? { accounts[id] }

    public func setUsername(_ username: String?, for id: AccountID) throws {
        guard var account = accounts[id] else { throw RelayStorageError.unknownAccount }
        if let username, let holder = usernames[username], holder != id { throw RelayStorageError.usernameTaken }
        if let old = account.username { usernames[old] = nil }
        if let username { usernames[username] = id }
        account.username = username
        accounts[id] = account
    }

    public func accountID(forUsername username: String) -> AccountID? { usernames[username] }

    public func deleteAccount(_ id: AccountID) {
        guard let account = accounts.removeValue(forKey: id) else { return }
        if let username = account.username { usernames[username] = nil }
        for device in devices.values where device.accountID == id { erase(device.id) }
        tokenHashes[id] = nil
        blocks[id] = nil
        for blocker in blocks.keys { blocks[blocker]?.remove(id) }
        for (blob, owners) in blobs where owners[id] != nil { blobs[blob]?[id] = nil }
        blobs = blobs.filter { !$0.value.isEmpty }
        uploads = uploads.filter { $0.value.owner != id }
        for (device, entries) in mailboxes {
            mailboxes[device] = entries.filter { $0.sender != id }
        }
    }
}

// MARK: - DeviceStore

extension InMemoryRelayStore {
    public func addDevice(_ device: Device, limit: Int) throws {
        guard accounts[device.accountID] != nil else { throw RelayStorageError.unknownAccount }
        try checkNewDevice(device)
        guard devices.values.count(where: { $0.accountID == device.accountID }) < limit else {
            throw RelayStorageError.deviceLimitReached
        }
        insert(device)
    }

    public func device(_ id: DeviceID) -> Device? { devices[id] }

    public func devices(of account: AccountID) -> [Device] {
        devices.values.filter { $0.accountID == account }.sorted { ($0.createdAt, $0.id.rawValue) < ($1.createdAt, $1.id.rawValue) }
    }

    public func removeDevice(_ id: DeviceID) throws {
        guard let device = devices[id] else { throw RelayStorageError.unknownDevice }
        guard devices.values.count(where: { $0.accountID == device.accountID }) > 1 else { throw RelayStorageError.lastDevice }
        erase(id)
    }

    private func checkNewDevice(_ device: Device) throws {
        guard device.publicKey.count == 32 else { throw RelayStorageError.invalidValue }
        guard devices[device.id] == nil, !publicKeys.contains(device.publicKey) else { throw RelayStorageError.deviceExists }
    }

    private func insert(_ device: Device) {
        devices[device.id] = device
        publicKeys.insert(device.publicKey)
    }

    private func erase(_ id: DeviceID) {
        guard let device = devices.removeValue(forKey: id) else { return }
        publicKeys.remove(device.publicKey)
        keyPackages[id] = nil
        mailboxes[id] = nil
        commitClaims = commitClaims.filter { $0.key.device != id }
        requestNonces = requestNonces.filter { $0.key.device != id }
    }
}

// MARK: - KeyPackageStore

extension InMemoryRelayStore {
    public func storeKeyPackages(_ packages: [KeyPackageUpload], lastResort: KeyPackageUpload?, for device: DeviceID, limitPerSuite: Int) throws {
        guard devices[device] != nil else { throw RelayStorageError.unknownDevice }
        guard packages.allSatisfy({ !$0.data.isEmpty }), lastResort.map({ !$0.data.isEmpty }) ?? true else {
            throw RelayStorageError.invalidValue
        }
        var suites = keyPackages[device, default: [:]]
        for package in packages { suites[package.cipherSuite, default: SuitePackages()].oneTime.append(package.data) }
        guard suites.values.allSatisfy({ $0.oneTime.count <= limitPerSuite }) else { throw RelayStorageError.keyPackageLimitReached }
        if let lastResort { suites[lastResort.cipherSuite, default: SuitePackages()].lastResort = lastResort.data }
        keyPackages[device] = suites
    }

    public func claimKeyPackage(of device: DeviceID, cipherSuite: UInt16) -> ClaimedKeyPackage? {
        guard var suite = keyPackages[device]?[cipherSuite] else { return nil }
        if !suite.oneTime.isEmpty {
            let data = suite.oneTime.removeFirst()
            keyPackages[device]?[cipherSuite] = suite
            return ClaimedKeyPackage(cipherSuite: cipherSuite, data: data, isLastResort: false)
        }
        return suite.lastResort.map { ClaimedKeyPackage(cipherSuite: cipherSuite, data: $0, isLastResort: true) }
    }

    public func keyPackageCounts(of device: DeviceID) -> [KeyPackageCount] {
        (keyPackages[device] ?? [:])
            .filter { !$0.value.oneTime.isEmpty || $0.value.lastResort != nil }
            .map { KeyPackageCount(cipherSuite: $0.key, oneTime: $0.value.oneTime.count, hasLastResort: $0.value.lastResort != nil) }
            .sorted { $0.cipherSuite < $1.cipherSuite }
    }
}

// MARK: - MailboxStore

extension InMemoryRelayStore {
    public func deliver(_ delivery: Delivery, stored: (@Sendable ([MailboxEntry]) -> Void)?) throws -> DeliveryOutcome {
        guard delivery.recipients.allSatisfy({ devices[$0] != nil }) else { throw RelayStorageError.unknownDevice }
        guard Set(delivery.recipients).count == delivery.recipients.count else { throw RelayStorageError.invalidValue }
        guard (delivery.queue == .requests) == (delivery.sender != nil) else { throw RelayStorageError.invalidValue }
        if let presented = delivery.deliveryTokenHashes {
            guard presented.count == delivery.recipients.count else { throw RelayStorageError.invalidValue }
            for (recipient, hash) in zip(delivery.recipients, presented) {
                let account = devices[recipient]?.accountID
                guard Delivery.tokenHashMatches(hash, account.flatMap { tokenHashes[$0] }) else { throw RelayStorageError.recipientNotAuthorized }
            }
        }
        var recipients = delivery.recipients
        if let claim = delivery.commit {
            recipients = []
            var highest: UInt64?
            for recipient in delivery.recipients {
                if let existing = commitClaims[ClaimKey(groupID: claim.groupID, device: recipient, epoch: claim.epoch)] {
                    guard existing.payloadHash == claim.payloadHash else { throw RelayStorageError.commitConflict }
                    continue
                }
                recipients.append(recipient)
                if let top = commitClaims.keys.lazy.filter({ $0.groupID == claim.groupID && $0.device == recipient }).map(\.epoch).max() {
                    highest = max(highest ?? top, top)
                }
            }
            if let highest, claim.epoch > highest, claim.epoch - highest > 1 { throw RelayStorageError.commitEpochAhead }
            if recipients.isEmpty { return .duplicateCommit }
        }
        if let limit = delivery.mailboxLimit,
            recipients.contains(where: { recipient in mailboxes[recipient, default: []].lazy.filter { $0.queue == delivery.queue }.count >= limit })
        {
            throw RelayStorageError.mailboxFull
        }
        if let limit = delivery.accountByteLimit {
            let perAccount = Dictionary(grouping: recipients, by: { devices[$0]?.accountID }).mapValues(\.count)
            for (account, count) in perAccount {
                let queued = devices.values.filter { $0.accountID == account }
                    .flatMap { mailboxes[$0.id] ?? [] }.reduce(Int64(0)) { $0 + Int64($1.payload.count) }
                guard queued + Int64(delivery.payload.count) * Int64(count) <= limit else { throw RelayStorageError.mailboxFull }
            }
        }
        // Dropped after every check a stored request passes (see ``Delivery/sender``).
        if let sender = delivery.sender, recipients.contains(where: { devices[$0].map { isBlocked(sender, by: $0.accountID) } ?? false }) {
            return .delivered([])
        }
        if let claim = delivery.commit {
            for recipient in recipients {
                commitClaims[ClaimKey(groupID: claim.groupID, device: recipient, epoch: claim.epoch)] = claim
            }
        }
        var entries: [MailboxEntry] = []
        for recipient in recipients {
            let id = MailboxEntryID(nextEntryID)
            nextEntryID += 1
            let entry = MailboxEntry(
                id: id, deviceID: recipient, queue: delivery.queue, payload: delivery.payload, sender: delivery.sender,
                receivedAt: delivery.receivedAt, expiresAt: delivery.expiresAt
            )
            mailboxes[recipient, default: []].append(entry)
            entries.append(entry)
        }
        // Still inside the actor: deliveries are stored and reported one at a time, in id order.
        stored?(entries)
        return .delivered(entries.map(\.id))
    }

    public func entries(for device: DeviceID, queue: MailboxQueue, after: MailboxEntryID?, limit: Int) -> [MailboxEntry] {
        let after = after ?? MailboxEntryID(0)
        return Array((mailboxes[device] ?? []).lazy.filter { $0.queue == queue && $0.id > after }.prefix(max(0, limit)))
    }

    public func entry(_ id: MailboxEntryID, for device: DeviceID) -> MailboxEntry? {
        mailboxes[device]?.first { $0.id == id }
    }

    public func acknowledge(_ ids: [MailboxEntryID], for device: DeviceID) -> Int {
        guard let entries = mailboxes[device] else { return 0 }
        let remove = Set(ids)
        let kept = entries.filter { !remove.contains($0.id) }
        mailboxes[device] = kept
        return entries.count - kept.count
    }

    public func removeRequests(from sender: AccountID, to recipient: AccountID) -> Int {
        var removed = 0
        for device in devices.values where device.accountID == recipient {
            guard let entries = mailboxes[device.id] else { continue }
            let kept = entries.filter { !($0.queue == .requests && $0.sender == sender) }
            removed += entries.count - kept.count
            mailboxes[device.id] = kept
        }
        return removed
    }

    public func mailboxDepth(of device: DeviceID) -> Int { mailboxes[device]?.count ?? 0 }

    public func expireEntries(now: Date) -> Int {
        var removed = 0
        for (device, entries) in mailboxes {
            let kept = entries.filter { $0.expiresAt > now }
            removed += entries.count - kept.count
            mailboxes[device] = kept
        }
        commitClaims = commitClaims.filter { $0.value.expiresAt > now }
        return removed
    }
}

// MARK: - DeliveryTokenStore, BlockStore, RateLimitStore

extension InMemoryRelayStore {
    public func setDeliveryTokenHash(_ hash: Data, for account: AccountID, at date: Date) throws {
        guard accounts[account] != nil else { throw RelayStorageError.unknownAccount }
        guard hash.count == 32 else { throw RelayStorageError.invalidValue }
        tokenHashes[account] = hash
    }

    public func block(_ blocked: AccountID, by blocker: AccountID, at date: Date) throws {
        guard accounts[blocker] != nil else { throw RelayStorageError.unknownAccount }
        blocks[blocker, default: []].insert(blocked)
    }

    public func unblock(_ blocked: AccountID, by blocker: AccountID) {
        blocks[blocker]?.remove(blocked)
    }

    private func isBlocked(_ blocked: AccountID, by blocker: AccountID) -> Bool {
        blocks[blocker]?.contains(blocked) ?? false
    }

    public func blockedAccounts(by blocker: AccountID) -> [AccountID] {
        (blocks[blocker] ?? []).sorted { $0.rawValue < $1.rawValue }
    }

    public func consumeRateLimit(_ key: String, cost: Int, windows: [RateLimitWindow], now: Date) throws -> Bool {
        guard cost >= 0 else { throw RelayStorageError.invalidValue }
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        let keys = windows.map { window in
            RateLimitKey(key: key, windowSeconds: window.seconds, windowStart: seconds - seconds.modulo(window.seconds))
        }
        for (window, key) in zip(windows, keys) where rateLimits[key, default: 0] > window.limit - cost { return false }
        for key in keys { rateLimits[key, default: 0] += cost }
        return true
    }

    public func deleteRateLimits(naming subjects: [String]) {
        let doomed = Set(subjects)
        rateLimits = rateLimits.filter { entry in
            !entry.key.key.split(separator: ":", omittingEmptySubsequences: false).contains { doomed.contains(String($0)) }
        }
    }

    public func purgeRateLimits(now: Date) {
        let seconds = Int64(now.timeIntervalSince1970.rounded(.down))
        rateLimits = rateLimits.filter { $0.key.windowStart + $0.key.windowSeconds > seconds }
    }
}

// MARK: - RequestNonceStore

extension InMemoryRelayStore {
    public func admitRequest(
        device: DeviceID, nonce: String, expiresAt: Date, rateLimitKey: String, windows: [RateLimitWindow], now: Date
    ) throws -> RequestAdmission {
        let key = NonceKey(device: device, nonce: nonce)
        if let expiry = requestNonces[key], expiry > now { return .replayed }
        guard try consumeRateLimit(rateLimitKey, cost: 1, windows: windows, now: now) else { return .rateLimited }
        requestNonces[key] = expiresAt
        return .accepted
    }

    public func purgeRequestNonces(now: Date) {
        requestNonces = requestNonces.filter { $0.value > now }
    }
}

extension Int64 {
    /// Euclidean remainder (never negative for a positive divisor), so windows align before 1970 too.
    func modulo(_ divisor: Int64) -> Int64 {
        let r = self % divisor
        return r < 0 ? r + divisor : r
    }
}

// MARK: - BlobStore

extension InMemoryRelayStore {
    public func createUpload(_ upload: BlobUpload, quota: Int64) throws {
        guard accounts[upload.owner] != nil else { throw RelayStorageError.unknownAccount }
        guard upload.size >= 0, uploads[upload.id] == nil else { throw RelayStorageError.invalidValue }
        let used =
            blobs.values.compactMap { $0[upload.owner]?.size }.reduce(0, +)
            + uploads.values.filter { $0.owner == upload.owner }.map(\.size).reduce(0, +)
        guard used + upload.size <= quota else { throw RelayStorageError.quotaExceeded }
        uploads[upload.id] = upload
    }

    public func upload(_ id: String) -> BlobUpload? { uploads[id] }

    public func advanceUpload(_ id: String, from expected: Int64, to offset: Int64) -> Bool {
        guard let upload = uploads[id], upload.offset == expected, offset >= expected, offset <= upload.size else { return false }
        uploads[id]?.offset = offset
        return true
    }

    public func deleteUpload(_ id: String) { uploads[id] = nil }

    public func completeUpload(_ id: String, as blob: BlobRecord) throws {
        guard let upload = uploads.removeValue(forKey: id) else {
            if blobs[blob.id]?[blob.owner] != nil { return }
            throw RelayStorageError.invalidValue
        }
        guard upload.owner == blob.owner else { throw RelayStorageError.invalidValue }
        blobs[blob.id, default: [:]][blob.owner] = blob
    }

    public func blob(_ id: String, owner: AccountID) -> BlobRecord? { blobs[id]?[owner] }

    public func blobExists(_ id: String) -> Bool { !(blobs[id]?.isEmpty ?? true) }

    public func deleteBlob(_ id: String, owner: AccountID) -> Bool {
        blobs[id]?[owner] = nil
        if blobs[id]?.isEmpty == true { blobs[id] = nil }
        return blobs[id] != nil
    }

    public func blobAndUploadIDs(of owner: AccountID) -> (blobs: [String], uploads: [String]) {
        (blobs.filter { $0.value[owner] != nil }.keys.sorted(), uploads.values.filter { $0.owner == owner }.map(\.id).sorted())
    }

    public func expireBlobs(now: Date) -> (blobs: [String], uploads: [String]) {
        var gone: [String] = []
        for (id, owners) in blobs {
            let kept = owners.filter { $0.value.expiresAt > now }
            blobs[id] = kept.isEmpty ? nil : kept
            if kept.isEmpty { gone.append(id) }
        }
        let expired = uploads.values.filter { $0.expiresAt <= now }.map(\.id)
        for id in expired { uploads[id] = nil }
        return (gone.sorted(), expired.sorted())
    }
}
