import Foundation
import RelayStorage
import Synchronization
import Testing

/// The contracts every ``RelayStore`` driver must meet: each function takes a fresh, empty store.
/// `RelayStorageConformanceTests` runs every one of them against every ``StoreDriver``.
enum RelayStorageConformance {
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    static let later = t0.addingTimeInterval(30 * 86_400)

    // MARK: fixtures

    struct Fixture {
        var generator = SystemRandomNumberGenerator()
        mutating func accountID() -> AccountID { .random(using: &generator) }
        mutating func deviceID() -> DeviceID { .random(using: &generator) }
        mutating func key() -> Data { Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }) }
        mutating func device(of account: AccountID, at date: Date = RelayStorageConformance.t0) -> Device {
            Device(id: deviceID(), accountID: account, publicKey: key(), createdAt: date)
        }

        /// Creates an account with `devices` devices; returns the account and its devices.
        mutating func makeAccount(in store: any RelayStore, devices: Int = 1, username: String? = nil) async throws -> (AccountID, [Device]) {
            let account = accountID()
            let first = device(of: account)
            try await store.createAccount(Account(id: account, username: username, createdAt: t0), firstDevice: first)
            var all = [first]
            for i in 1..<max(1, devices) {
                let next = device(of: account, at: t0.addingTimeInterval(Double(i)))
                try await store.addDevice(next, limit: 100)
                all.append(next)
            }
            return (account, all)
        }
    }

    static func inbox(_ recipients: [DeviceID], _ payload: String, commit: CommitClaim? = nil) -> Delivery {
        Delivery(recipients: recipients, payload: Data(payload.utf8), queue: .inbox, receivedAt: t0, expiresAt: later, commit: commit)
    }

    static func ids(_ outcome: DeliveryOutcome) -> [MailboxEntryID] {
        if case .delivered(let ids) = outcome { return ids }
        Issue.record("expected a delivery, got \(outcome)")
        return []
    }

    static func payloads(_ store: any RelayStore, _ device: DeviceID, _ queue: MailboxQueue = .inbox) async throws -> [String] {
        try await store.entries(for: device, queue: queue, after: nil, limit: 1000).map { String(decoding: $0.payload, as: UTF8.self) }
    }

    // MARK: accounts and devices

    static func accountsAndUsernames(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (alice, aliceDevices) = try await f.makeAccount(in: store, username: "alice")
        #expect(try await store.account(alice)?.username == "alice")
        #expect(try await store.accountID(forUsername: "alice") == alice)
        #expect(try await store.accountID(forUsername: "Alice") == nil, "lookup is exact")
        #expect(try await store.accountID(forUsername: "ali") == nil, "no prefix lookup")

        await #expect(throws: RelayStorageError.accountExists) {
            try await store.createAccount(Account(id: alice, createdAt: t0), firstDevice: f.device(of: alice))
        }
        let bob = f.accountID()
        await #expect(throws: RelayStorageError.usernameTaken) {
            try await store.createAccount(Account(id: bob, username: "alice", createdAt: t0), firstDevice: f.device(of: bob))
        }
        var reused = f.device(of: bob)
        reused.publicKey = aliceDevices[0].publicKey
        await #expect(throws: RelayStorageError.deviceExists) {
            try await store.createAccount(Account(id: bob, createdAt: t0), firstDevice: reused)
        }
        #expect(try await store.account(bob) == nil, "a failed registration leaves nothing behind")

        try await store.createAccount(Account(id: bob, createdAt: t0), firstDevice: f.device(of: bob))
        await #expect(throws: RelayStorageError.usernameTaken) { try await store.setUsername("alice", for: bob) }
        try await store.setUsername(nil, for: alice)
        #expect(try await store.accountID(forUsername: "alice") == nil)
        try await store.setUsername("alice", for: bob)
        #expect(try await store.accountID(forUsername: "alice") == bob)
        await #expect(throws: RelayStorageError.unknownAccount) { try await store.setUsername("x", for: f.accountID()) }
    }

    static func deviceLimitAndRemoval(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (account, first) = try await f.makeAccount(in: store)
        var added: [Device] = []
        for i in 1..<3 {
            let device = f.device(of: account, at: t0.addingTimeInterval(Double(i)))
            try await store.addDevice(device, limit: 3)
            added.append(device)
        }
        await #expect(throws: RelayStorageError.deviceLimitReached) { try await store.addDevice(f.device(of: account), limit: 3) }
        #expect(try await store.devices(of: account).map(\.id) == (first + added).map(\.id))
        #expect(try await store.device(added[0].id) == added[0])

        await #expect(throws: RelayStorageError.unknownAccount) { try await store.addDevice(f.device(of: f.accountID()), limit: 3) }
        try await store.removeDevice(added[0].id)
        try await store.removeDevice(added[1].id)
        #expect(try await store.device(added[0].id) == nil)
        await #expect(throws: RelayStorageError.lastDevice) { try await store.removeDevice(first[0].id) }
        await #expect(throws: RelayStorageError.unknownDevice) { try await store.removeDevice(added[0].id) }
    }

    // MARK: key packages

    static func keyPackagesAreConsumedOnce(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, devices) = try await f.makeAccount(in: store)
        let device = devices[0].id
        let uploads = (0..<3).map { KeyPackageUpload(cipherSuite: 1, data: Data("kp\($0)".utf8)) }
        try await store.storeKeyPackages(
            uploads, lastResort: KeyPackageUpload(cipherSuite: 1, data: Data("last".utf8)), for: device, limitPerSuite: 5)
        #expect(try await store.keyPackageCounts(of: device) == [KeyPackageCount(cipherSuite: 1, oneTime: 3, hasLastResort: true)])

        await #expect(throws: RelayStorageError.keyPackageLimitReached) {
            try await store.storeKeyPackages(uploads, lastResort: nil, for: device, limitPerSuite: 5)
        }
        #expect(try await store.keyPackageCounts(of: device).first?.oneTime == 3, "a refused upload stores nothing")

        var claimed: [ClaimedKeyPackage] = []
        for _ in 0..<3 { claimed.append(try #require(try await store.claimKeyPackage(of: device, cipherSuite: 1))) }
        #expect(claimed.map(\.data) == uploads.map(\.data), "oldest first, each once")
        #expect(claimed.allSatisfy { !$0.isLastResort })
        for _ in 0..<2 {
            let last = try #require(try await store.claimKeyPackage(of: device, cipherSuite: 1))
            #expect(last.isLastResort && last.data == Data("last".utf8), "the last-resort package is returned, not consumed")
        }
        #expect(try await store.claimKeyPackage(of: device, cipherSuite: 3) == nil)
        #expect(try await store.keyPackageCounts(of: device) == [KeyPackageCount(cipherSuite: 1, oneTime: 0, hasLastResort: true)])

        try await store.storeKeyPackages([], lastResort: KeyPackageUpload(cipherSuite: 1, data: Data("last2".utf8)), for: device, limitPerSuite: 5)
        #expect(try await store.claimKeyPackage(of: device, cipherSuite: 1)?.data == Data("last2".utf8), "a new last resort replaces the old")
        await #expect(throws: RelayStorageError.unknownDevice) {
            try await store.storeKeyPackages(uploads, lastResort: nil, for: f.deviceID(), limitPerSuite: 5)
        }
        await #expect(throws: RelayStorageError.invalidValue) {
            try await store.storeKeyPackages([KeyPackageUpload(cipherSuite: 1, data: Data())], lastResort: nil, for: device, limitPerSuite: 5)
        }
    }

    static func concurrentClaimsHandOutEachPackageOnce(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, devices) = try await f.makeAccount(in: store)
        let device = devices[0].id
        let packageCount = 150
        let uploads = (0..<packageCount).map { KeyPackageUpload(cipherSuite: 1, data: Data("kp-\($0)".utf8)) }
        try await store.storeKeyPackages(
            uploads, lastResort: KeyPackageUpload(cipherSuite: 1, data: Data("last".utf8)), for: device, limitPerSuite: 1000)

        let fetchers = 240
        let results = try await withThrowingTaskGroup(of: ClaimedKeyPackage?.self) { group in
            for _ in 0..<fetchers { group.addTask { try await store.claimKeyPackage(of: device, cipherSuite: 1) } }
            var all: [ClaimedKeyPackage?] = []
            for try await result in group { all.append(result) }
            return all
        }
        let oneTime = results.compactMap { $0 }.filter { !$0.isLastResort }.map(\.data)
        let lastResort = results.compactMap { $0 }.filter(\.isLastResort)
        #expect(oneTime.count == packageCount, "every one-time package handed out")
        #expect(Set(oneTime) == Set(uploads.map(\.data)), "each exactly once")
        #expect(lastResort.count == fetchers - packageCount)
        #expect(try await store.keyPackageCounts(of: device) == [KeyPackageCount(cipherSuite: 1, oneTime: 0, hasLastResort: true)])
    }

    // MARK: mailboxes

    static func deliveryIsAtomicAndOrdered(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, a) = try await f.makeAccount(in: store)
        let (_, b) = try await f.makeAccount(in: store)
        await #expect(throws: RelayStorageError.unknownDevice) {
            _ = try await store.deliver(inbox([a[0].id, b[0].id, f.deviceID()], "lost"))
        }
        #expect(try await store.mailboxDepth(of: a[0].id) == 0, "a send with one bad recipient stores nothing")
        #expect(try await store.mailboxDepth(of: b[0].id) == 0)
        await #expect(throws: RelayStorageError.invalidValue) { _ = try await store.deliver(inbox([a[0].id, a[0].id], "twice")) }

        var sent: [MailboxEntryID] = []
        for i in 0..<5 { sent += ids(try await store.deliver(inbox([a[0].id, b[0].id], "m\(i)"))) }
        #expect(Set(sent).count == 10, "one id per recipient, never shared")
        #expect(try await payloads(store, a[0].id) == ["m0", "m1", "m2", "m3", "m4"])
        #expect(try await payloads(store, b[0].id) == ["m0", "m1", "m2", "m3", "m4"])
        #expect(try await payloads(store, a[0].id, .requests) == [])

        let page = try await store.entries(for: a[0].id, queue: .inbox, after: nil, limit: 2)
        #expect(page.count == 2)
        let rest = try await store.entries(for: a[0].id, queue: .inbox, after: page.last?.id, limit: 10)
        #expect(rest.map { String(decoding: $0.payload, as: UTF8.self) } == ["m2", "m3", "m4"])
        #expect(try await store.entry(page[0].id, for: a[0].id)?.payload == Data("m0".utf8))
        #expect(try await store.entry(page[0].id, for: b[0].id) == nil, "entries are per device")

        #expect(try await store.acknowledge(page.map(\.id), for: b[0].id) == 0, "a device cannot acknowledge another's entries")
        #expect(try await store.acknowledge(page.map(\.id) + page.map(\.id), for: a[0].id) == 2)
        #expect(try await payloads(store, a[0].id) == ["m2", "m3", "m4"])
        #expect(try await payloads(store, b[0].id).count == 5, "the other recipient keeps its copy")
        #expect(try await store.mailboxDepth(of: a[0].id) == 3)

        // Ids are never reused, even after everything was acknowledged.
        let all = try await store.entries(for: b[0].id, queue: .inbox, after: nil, limit: 100).map(\.id)
        _ = try await store.acknowledge(all, for: b[0].id)
        let next = ids(try await store.deliver(inbox([b[0].id], "after")))
        #expect(next.allSatisfy { $0 > sent.max()! })
    }

    static func mailboxesAreCapped(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, a) = try await f.makeAccount(in: store)
        let (_, b) = try await f.makeAccount(in: store)
        let (stranger, _) = try await f.makeAccount(in: store)
        func capped(_ recipients: [DeviceID], _ payload: String, limit: Int = 2) -> Delivery {
            var delivery = inbox(recipients, payload)
            delivery.mailboxLimit = limit
            return delivery
        }
        _ = ids(try await store.deliver(capped([a[0].id], "1")))
        _ = ids(try await store.deliver(capped([a[0].id, b[0].id], "2")))
        await #expect(throws: RelayStorageError.mailboxFull) { _ = try await store.deliver(capped([b[0].id, a[0].id], "3")) }
        #expect(try await payloads(store, b[0].id) == ["2"], "all or nothing: b got nothing")
        _ = ids(try await store.deliver(capped([a[0].id], "4", limit: 3)))
        let request = Delivery(recipients: [a[0].id], payload: Data("r".utf8), queue: .requests, sender: stranger, receivedAt: t0, expiresAt: later, mailboxLimit: 1)
        _ = ids(try await store.deliver(request))
        await #expect(throws: RelayStorageError.mailboxFull) { _ = try await store.deliver(request) }
        #expect(try await payloads(store, a[0].id) == ["1", "2", "4"], "each queue has its own cap")
    }

    static func oneCommitPerEpoch(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, a) = try await f.makeAccount(in: store)
        let group = Data("group-1".utf8)
        func claim(_ epoch: UInt64, _ hash: UInt8, group: Data = group, expires: Date = later) -> CommitClaim {
            CommitClaim(groupID: group, epoch: epoch, payloadHash: Data(repeating: hash, count: 32), expiresAt: expires)
        }
        _ = ids(try await store.deliver(inbox([a[0].id], "c5", commit: claim(5, 1))))
        #expect(try await store.deliver(inbox([a[0].id], "c5", commit: claim(5, 1))) == .duplicateCommit)
        await #expect(throws: RelayStorageError.commitConflict) { _ = try await store.deliver(inbox([a[0].id], "c5'", commit: claim(5, 2))) }
        #expect(try await payloads(store, a[0].id) == ["c5"], "neither the retry nor the loser is stored")
        _ = ids(try await store.deliver(inbox([a[0].id], "c6", commit: claim(6, 2))))
        _ = ids(try await store.deliver(inbox([a[0].id], "other-group", commit: claim(5, 2, group: Data("group-2".utf8)))))
        // A group's first claim may be at any epoch; later ones at most one past the highest.
        let group3 = Data("group-3".utf8)
        _ = ids(try await store.deliver(inbox([a[0].id], UInt64.max.description, commit: claim(.max, 3, group: group3))))
        await #expect(throws: RelayStorageError.commitConflict) { _ = try await store.deliver(inbox([a[0].id], "x", commit: claim(.max, 4, group: group3))) }
        _ = ids(try await store.deliver(inbox([a[0].id], "below the highest", commit: claim(.max - 1, 4, group: group3))))
        for epoch: UInt64 in [8, 1 << 63, .max] {
            await #expect(throws: RelayStorageError.commitEpochAhead) { _ = try await store.deliver(inbox([a[0].id], "ahead", commit: claim(epoch, 5))) }
        }
        // A failed recipient check does not take the claim.
        await #expect(throws: RelayStorageError.unknownDevice) { _ = try await store.deliver(inbox([f.deviceID()], "c7", commit: claim(7, 1))) }
        _ = ids(try await store.deliver(inbox([a[0].id], "c7", commit: claim(7, 2))))
        // Claims expire with their messages.
        _ = ids(try await store.deliver(inbox([a[0].id], "c8", commit: claim(8, 1, expires: t0.addingTimeInterval(10)))))
        _ = try await store.expireEntries(now: t0.addingTimeInterval(10))
        _ = ids(try await store.deliver(inbox([a[0].id], "c8'", commit: claim(8, 2))))
    }

    /// Review H2 and M5: a claim binds only the devices the commit went to.
    static func commitClaimsBindTheirRecipients(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, members) = try await f.makeAccount(in: store, devices: 3)
        let (_, outsider) = try await f.makeAccount(in: store)
        let (_, late) = try await f.makeAccount(in: store)
        let m = members.map(\.id)
        let group = Data("group-h2".utf8)
        func claim(_ epoch: UInt64, _ hash: UInt8) -> CommitClaim {
            CommitClaim(groupID: group, epoch: epoch, payloadHash: Data(repeating: hash, count: 32), expiresAt: later)
        }
        // Someone who knows the group id claims its next epochs, delivering to its own device...
        _ = ids(try await store.deliver(inbox([outsider[0].id], "garbage 1", commit: claim(1, 9))))
        _ = ids(try await store.deliver(inbox([outsider[0].id], "garbage 2", commit: claim(2, 9))))
        // ...which does not stop the members' commit for those epochs.
        #expect(ids(try await store.deliver(inbox(m, "c1", commit: claim(1, 1)))).count == 3)
        // Two racing commits, each addressed to the whole group (committer included): the second
        // loses, even when it is sent to part of the group only; nothing of it is stored.
        await #expect(throws: RelayStorageError.commitConflict) { _ = try await store.deliver(inbox(m, "c1'", commit: claim(1, 2))) }
        await #expect(throws: RelayStorageError.commitConflict) {
            _ = try await store.deliver(inbox([late[0].id, m[2]], "c1'", commit: claim(1, 2)))
        }
        #expect(try await payloads(store, late[0].id) == [])
        // The same commit sent again reaches the recipients it has not reached yet (M5)...
        #expect(ids(try await store.deliver(inbox([m[0], late[0].id], "c1", commit: claim(1, 1)))).count == 1)
        #expect(try await payloads(store, late[0].id) == ["c1"])
        #expect(try await payloads(store, m[0]) == ["c1"], "served recipients get no second copy")
        // ...and is a duplicate only when every recipient has it.
        #expect(try await store.deliver(inbox(m + [late[0].id], "c1", commit: claim(1, 1))) == .duplicateCommit)
        // Epochs ahead are judged by the recipients' own claims, not by the outsider's.
        await #expect(throws: RelayStorageError.commitEpochAhead) { _ = try await store.deliver(inbox(m, "c3", commit: claim(3, 3))) }
        _ = ids(try await store.deliver(inbox(m, "c2", commit: claim(2, 2))))
        // A removed device's claims go with it.
        try await store.removeDevice(m[2])
        _ = ids(try await store.deliver(inbox([m[0]], "c3", commit: claim(3, 3))))
    }

    /// Review M4: the payload bytes queued for one account are capped.
    static func accountsAreCappedInBytes(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, a) = try await f.makeAccount(in: store, devices: 2)
        let (_, b) = try await f.makeAccount(in: store)
        func capped(_ recipients: [DeviceID], _ payload: String, limit: Int64 = 10) -> Delivery {
            var delivery = inbox(recipients, payload)
            delivery.accountByteLimit = limit
            return delivery
        }
        _ = ids(try await store.deliver(capped([a[0].id], "12345")))
        await #expect(throws: RelayStorageError.mailboxFull, "both devices of the account count") {
            _ = try await store.deliver(capped([b[0].id, a[1].id], "123456"))
        }
        #expect(try await payloads(store, b[0].id) == [], "all or nothing")
        _ = ids(try await store.deliver(capped([a[1].id], "12345")))
        await #expect(throws: RelayStorageError.mailboxFull) { _ = try await store.deliver(capped([a[0].id], "1")) }
        let queued = try await store.entries(for: a[0].id, queue: .inbox, after: nil, limit: 10)
        #expect(try await store.acknowledge(queued.map(\.id), for: a[0].id) == 1)
        _ = ids(try await store.deliver(capped([a[0].id], "1")))
        // Every recipient device is charged the whole payload: 6 + 2 x 7 > 19, 6 + 7 <= 19.
        await #expect(throws: RelayStorageError.mailboxFull) { _ = try await store.deliver(capped(a.map(\.id), "1234567", limit: 19)) }
        _ = ids(try await store.deliver(capped([a[0].id], "1234567", limit: 19)))
        // Removing a device frees what was queued for it.
        try await store.removeDevice(a[0].id)
        _ = ids(try await store.deliver(capped([a[1].id], "12345", limit: 10)))
    }

    static func requestsAndBlocks(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (stranger, _) = try await f.makeAccount(in: store)
        let (other, _) = try await f.makeAccount(in: store)
        let (recipient, devices) = try await f.makeAccount(in: store, devices: 2)
        let targets = devices.map(\.id)
        func request(from sender: AccountID, _ text: String) -> Delivery {
            Delivery(recipients: targets, payload: Data(text.utf8), queue: .requests, sender: sender, receivedAt: t0, expiresAt: later)
        }
        await #expect(throws: RelayStorageError.invalidValue, "a request names its sender") {
            _ = try await store.deliver(Delivery(recipients: targets, payload: Data(), queue: .requests, receivedAt: t0, expiresAt: later))
        }
        await #expect(throws: RelayStorageError.invalidValue, "the inbox is sealed: no sender") {
            _ = try await store.deliver(
                Delivery(recipients: targets, payload: Data(), queue: .inbox, sender: stranger, receivedAt: t0, expiresAt: later))
        }
        _ = ids(try await store.deliver(request(from: stranger, "hi-1")))
        _ = ids(try await store.deliver(request(from: other, "hello")))
        _ = ids(try await store.deliver(request(from: stranger, "hi-2")))
        let queued = try await store.entries(for: targets[0], queue: .requests, after: nil, limit: 10)
        #expect(queued.map(\.sender) == [stranger, other, stranger])
        #expect(try await payloads(store, targets[0]) == [], "requests stay out of the inbox")

        #expect(try await store.blockedAccounts(by: recipient) == [])
        try await store.block(stranger, by: recipient, at: t0)
        try await store.block(stranger, by: recipient, at: t0)
        #expect(try await store.blockedAccounts(by: recipient) == [stranger], "idempotent")
        #expect(try await store.blockedAccounts(by: stranger) == [], "blocks are one-way")
        #expect(try await store.removeRequests(from: stranger, to: recipient) == 4)
        #expect(try await payloads(store, targets[1], .requests) == ["hello"])
        try await store.unblock(stranger, by: recipient)
        #expect(try await store.blockedAccounts(by: recipient) == [])
        await #expect(throws: RelayStorageError.unknownAccount) { try await store.block(stranger, by: f.accountID(), at: t0) }
    }

    static func entriesExpire(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, a) = try await f.makeAccount(in: store)
        for i in 1...3 {
            _ = try await store.deliver(
                Delivery(
                    recipients: [a[0].id], payload: Data("e\(i)".utf8), queue: .inbox, receivedAt: t0,
                    expiresAt: t0.addingTimeInterval(Double(i * 100)))
            )
        }
        #expect(try await store.expireEntries(now: t0.addingTimeInterval(99)) == 0)
        #expect(try await store.expireEntries(now: t0.addingTimeInterval(200)) == 2)
        #expect(try await payloads(store, a[0].id) == ["e3"])
    }

    /// The token hash is observed the way the relay uses it: through sealed deliveries, which
    /// pass only with the account's current hash.
    static func deliveryTokens(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (account, devices) = try await f.makeAccount(in: store)
        func sealed(_ hash: Data, _ payload: String) -> Delivery {
            var delivery = inbox([devices[0].id], payload)
            delivery.deliveryTokenHashes = [hash]
            return delivery
        }
        let first = Data(repeating: 1, count: 32)
        let second = Data(repeating: 2, count: 32)
        await #expect(throws: RelayStorageError.recipientNotAuthorized, "no token yet") { _ = try await store.deliver(sealed(first, "none")) }
        try await store.setDeliveryTokenHash(first, for: account, at: t0)
        _ = ids(try await store.deliver(sealed(first, "first")))
        try await store.setDeliveryTokenHash(second, for: account, at: t0)
        await #expect(throws: RelayStorageError.recipientNotAuthorized, "rotation replaces (revokes) the old token") {
            _ = try await store.deliver(sealed(first, "revoked"))
        }
        _ = ids(try await store.deliver(sealed(second, "second")))
        #expect(try await payloads(store, devices[0].id) == ["first", "second"])
        await #expect(throws: RelayStorageError.invalidValue) { try await store.setDeliveryTokenHash(Data(count: 31), for: account, at: t0) }
        await #expect(throws: RelayStorageError.unknownAccount) { try await store.setDeliveryTokenHash(first, for: f.accountID(), at: t0) }
    }

    /// A sealed delivery carries the hash of the token presented for each recipient; the store
    /// admits it only if every recipient's account holds exactly that token now: a rotated
    /// (revoked) token, a removed device or a deleted account lets nothing through.
    static func deliveryChecksTokens(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (a, aDevices) = try await f.makeAccount(in: store, devices: 2)
        let (b, bDevices) = try await f.makeAccount(in: store)
        let (_, noToken) = try await f.makeAccount(in: store)
        let tokenA = Data(repeating: 0xA1, count: 32)
        let tokenB = Data(repeating: 0xB1, count: 32)
        try await store.setDeliveryTokenHash(tokenA, for: a, at: t0)
        try await store.setDeliveryTokenHash(tokenB, for: b, at: t0)
        func sealed(_ recipients: [DeviceID], _ hashes: [Data], _ payload: String) -> Delivery {
            var delivery = inbox(recipients, payload)
            delivery.deliveryTokenHashes = hashes
            return delivery
        }
        _ = ids(try await store.deliver(sealed([aDevices[0].id, bDevices[0].id], [tokenA, tokenB], "ok")))
        await #expect(throws: RelayStorageError.recipientNotAuthorized) {
            _ = try await store.deliver(sealed([aDevices[0].id, bDevices[0].id], [tokenA, tokenA], "wrong token for b"))
        }
        await #expect(throws: RelayStorageError.recipientNotAuthorized) {
            _ = try await store.deliver(sealed([noToken[0].id], [Data(count: 32)], "account without a token"))
        }
        await #expect(throws: RelayStorageError.recipientNotAuthorized) {
            _ = try await store.deliver(sealed([aDevices[0].id], [tokenA.prefix(31)], "truncated hash"))
        }
        await #expect(throws: RelayStorageError.invalidValue) {
            _ = try await store.deliver(sealed([aDevices[0].id, bDevices[0].id], [tokenA], "one hash for two recipients"))
        }
        #expect(try await payloads(store, aDevices[0].id) == ["ok"], "refused sends store nothing, for any recipient")
        #expect(try await payloads(store, bDevices[0].id) == ["ok"])

        // Rotation revokes the old token at once.
        let rotated = Data(repeating: 0xA2, count: 32)
        try await store.setDeliveryTokenHash(rotated, for: a, at: t0)
        await #expect(throws: RelayStorageError.recipientNotAuthorized) { _ = try await store.deliver(sealed([aDevices[1].id], [tokenA], "revoked")) }
        _ = ids(try await store.deliver(sealed([aDevices[1].id], [rotated], "rotated")))
        // A removed device and a deleted account are unknown, whatever token is presented.
        try await store.removeDevice(aDevices[1].id)
        await #expect(throws: RelayStorageError.unknownDevice) { _ = try await store.deliver(sealed([aDevices[1].id], [rotated], "removed")) }
        try await store.deleteAccount(b)
        await #expect(throws: RelayStorageError.unknownDevice) { _ = try await store.deliver(sealed([bDevices[0].id], [tokenB], "deleted")) }
        #expect(try await payloads(store, aDevices[0].id) == ["ok"])
    }

    /// The `stored` listener of a delivery gets the new entries, as a read gives them back, once
    /// they are durable; for one device, in id order even under concurrent sends.
    static func deliveryReportsStoredEntries(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, a) = try await f.makeAccount(in: store)
        let (_, b) = try await f.makeAccount(in: store)
        let reported = ReportedEntries()
        let outcome = try await store.deliver(inbox([a[0].id, b[0].id], "first"), stored: { reported.append($0) })
        let first = reported.take()
        #expect(first.count == 1, "one call per delivery")
        #expect(first.first?.map(\.id) == ids(outcome))
        let stored = try await store.entries(for: a[0].id, queue: .inbox, after: nil, limit: 10)
        #expect(first.first?.first == stored.first, "the entry handed on is the entry a read returns")

        // A duplicate commit stores nothing and reports nothing; a failed delivery neither.
        let claim = CommitClaim(groupID: Data("g".utf8), epoch: 1, payloadHash: Data(repeating: 1, count: 32), expiresAt: later)
        _ = try await store.deliver(inbox([a[0].id], "c", commit: claim), stored: { reported.append($0) })
        #expect(try await store.deliver(inbox([a[0].id], "c", commit: claim), stored: { reported.append($0) }) == .duplicateCommit)
        await #expect(throws: RelayStorageError.unknownDevice) {
            _ = try await store.deliver(inbox([f.deviceID()], "lost"), stored: { reported.append($0) })
        }
        #expect(reported.take().count == 1)

        try await withThrowingTaskGroup(of: Void.self) { group in
            for i in 0..<64 {
                group.addTask { _ = try await store.deliver(inbox([b[0].id], "m\(i)"), stored: { reported.append($0) }) }
            }
            try await group.waitForAll()
        }
        let concurrent = reported.take().flatMap { $0 }.map(\.id)
        #expect(concurrent.count == 64)
        #expect(concurrent == concurrent.sorted(), "reported in id order")
    }

    /// Nonces of accepted requests (relay review L2): refused while live, recorded only with room
    /// in the rate limit, one per device, renewed after expiry, and purged.
    static func requestNonces(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (_, devices) = try await f.makeAccount(in: store, devices: 2)
        let (alice, bob) = (devices[0].id, devices[1].id)
        let start = t0
        let expiry = start.addingTimeInterval(600)
        let windows = [RateLimitWindow(seconds: 60, limit: 2)]
        func admit(_ device: DeviceID, _ nonce: String, at now: Date = start, windows: [RateLimitWindow] = windows) async throws -> RequestAdmission {
            try await store.admitRequest(
                device: device, nonce: nonce, expiresAt: now.addingTimeInterval(600), rateLimitKey: "device:\(device)", windows: windows, now: now)
        }
        #expect(try await admit(alice, "nonce-1") == .accepted)
        #expect(try await admit(alice, "nonce-1") == .replayed)
        #expect(try await admit(alice, "nonce-1", at: expiry.addingTimeInterval(-1)) == .replayed, "live until it expires")
        #expect(try await admit(bob, "nonce-1") == .accepted, "nonces are per device")
        #expect(try await admit(alice, "nonce-2") == .accepted)
        #expect(try await admit(alice, "nonce-3") == .rateLimited, "the minute's two events are spent")
        #expect(try await admit(alice, "nonce-3", at: start.addingTimeInterval(60)) == .accepted, "a refused nonce was not recorded")
        #expect(try await admit(alice, "nonce-1", at: start.addingTimeInterval(1)) == .replayed, "a replay spends no budget")
        #expect(try await admit(alice, "nonce-4", at: start.addingTimeInterval(61)) == .accepted)
        #expect(try await admit(alice, "unlimited", windows: []) == .accepted, "no windows: only the nonce")
        #expect(try await admit(alice, "unlimited", windows: []) == .replayed)
        // Expired: accepted again (the timestamp check refuses such a request before this).
        #expect(try await admit(alice, "nonce-1", at: expiry.addingTimeInterval(120)) == .accepted)
        try await store.purgeRequestNonces(now: start.addingTimeInterval(10_000))
        #expect(try await admit(bob, "nonce-1", at: start.addingTimeInterval(10_000)) == .accepted, "purged")
    }

    static func rateLimits(_ store: any RelayStore) async throws {
        let windows = [RateLimitWindow(seconds: 60, limit: 3), RateLimitWindow(seconds: 3600, limit: 4)]
        let start = Date(timeIntervalSince1970: TimeInterval(1_800_000_000 - 1_800_000_000 % 3600))
        for _ in 0..<3 { #expect(try await store.consumeRateLimit("k", windows: windows, now: start)) }
        #expect(try await !store.consumeRateLimit("k", windows: windows, now: start.addingTimeInterval(59)), "minute window full")
        #expect(try await store.consumeRateLimit("other", windows: windows, now: start), "keys are independent")
        #expect(try await store.consumeRateLimit("k", windows: windows, now: start.addingTimeInterval(60)), "next minute")
        #expect(try await !store.consumeRateLimit("k", windows: windows, now: start.addingTimeInterval(120)), "hour window full")
        #expect(try await store.consumeRateLimit("k", windows: windows, now: start.addingTimeInterval(3600)), "next hour")
        try await store.purgeRateLimits(now: start.addingTimeInterval(7200))
        #expect(try await store.consumeRateLimit("k", windows: [RateLimitWindow(seconds: 60, limit: 1)], now: start.addingTimeInterval(3600)))
        // Budgets in bytes: a cost either fits whole or counts nothing.
        let bytes = [RateLimitWindow(seconds: 60, limit: 100)]
        #expect(try await store.consumeRateLimit("bytes:b%", cost: 60, windows: bytes, now: start))
        #expect(try await !store.consumeRateLimit("bytes:b%", cost: 41, windows: bytes, now: start))
        #expect(try await store.consumeRateLimit("bytes:b%", cost: 40, windows: bytes, now: start))
        #expect(try await !store.consumeRateLimit("bytes:b%", cost: 1, windows: bytes, now: start))
        // Deleting the counters that name a subject (a deleted account or device).
        let one = [RateLimitWindow(seconds: 60, limit: 1)]
        for key in ["pair:b%:x", "b%", "bb%:x", "b:x"] { #expect(try await store.consumeRateLimit(key, windows: one, now: start)) }
        try await store.deleteRateLimits(naming: ["b%"])
        #expect(try await store.consumeRateLimit("bytes:b%", cost: 100, windows: bytes, now: start), "deleted counters start again")
        #expect(try await store.consumeRateLimit("pair:b%:x", windows: one, now: start))
        #expect(try await store.consumeRateLimit("b%", windows: one, now: start))
        #expect(try await !store.consumeRateLimit("bb%:x", windows: one, now: start), "only whole components match")
        #expect(try await !store.consumeRateLimit("b:x", windows: one, now: start), "no wildcards")
    }

    // MARK: deletion

    static func deletingAnAccountErasesEverything(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (doomed, devices) = try await f.makeAccount(in: store, devices: 2, username: "doomed")
        let (friend, friendDevices) = try await f.makeAccount(in: store)
        let ids = devices.map(\.id)
        try await store.storeKeyPackages(
            [KeyPackageUpload(cipherSuite: 1, data: Data("kp".utf8))], lastResort: KeyPackageUpload(cipherSuite: 1, data: Data("lr".utf8)),
            for: ids[0], limitPerSuite: 10)
        _ = try await store.deliver(inbox(ids + [friendDevices[0].id], "shared"))
        _ = try await store.deliver(
            Delivery(
                recipients: [friendDevices[0].id], payload: Data("request".utf8), queue: .requests, sender: doomed, receivedAt: t0, expiresAt: later))
        try await store.setDeliveryTokenHash(Data(repeating: 7, count: 32), for: doomed, at: t0)
        try await store.block(friend, by: doomed, at: t0)
        try await store.block(doomed, by: friend, at: t0)

        try await store.deleteAccount(doomed)
        try await store.deleteAccount(doomed)  // idempotent

        #expect(try await store.account(doomed) == nil)
        #expect(try await store.accountID(forUsername: "doomed") == nil)
        #expect(try await store.devices(of: doomed) == [])
        for id in ids {
            #expect(try await store.device(id) == nil)
            #expect(try await store.keyPackageCounts(of: id) == [])
            #expect(try await store.claimKeyPackage(of: id, cipherSuite: 1) == nil)
            #expect(try await store.mailboxDepth(of: id) == 0)
        }
        #expect(try await store.blockedAccounts(by: doomed) == [])
        #expect(try await payloads(store, friendDevices[0].id, .requests) == [], "requests it sent are gone")
        #expect(try await payloads(store, friendDevices[0].id) == ["shared"], "other recipients keep their copy")
        #expect(try await store.blockedAccounts(by: friend) == [], "blocks naming a deleted account go with it (L6)")
        // The id and the username are free again.
        _ = try await f.makeAccount(in: store, username: "doomed")
    }

    // MARK: blobs

    static func blobsUploadsAndQuota(_ store: any RelayStore) async throws {
        var f = Fixture()
        let (alice, _) = try await f.makeAccount(in: store)
        let (bob, _) = try await f.makeAccount(in: store)
        let hash = String(repeating: "ab", count: 32)
        func upload(_ n: Int, _ owner: AccountID, size: Int64, expires: Date = later) -> BlobUpload {
            BlobUpload(id: String(format: "%032x", n), owner: owner, size: size, sha256: hash, expiresAt: expires)
        }
        try await store.createUpload(upload(1, alice, size: 60), quota: 100)
        await #expect(throws: RelayStorageError.quotaExceeded, "pending uploads count against the quota") {
            try await store.createUpload(upload(2, alice, size: 41), quota: 100)
        }
        await #expect(throws: RelayStorageError.invalidValue) { try await store.createUpload(upload(1, bob, size: 1), quota: 100) }
        try await store.createUpload(upload(3, bob, size: 60), quota: 100)

        #expect(try await store.advanceUpload(upload(1, alice, size: 60).id, from: 0, to: 30))
        #expect(try await !store.advanceUpload(upload(1, alice, size: 60).id, from: 0, to: 30), "a repeated chunk does not advance twice")
        #expect(try await !store.advanceUpload(upload(1, alice, size: 60).id, from: 30, to: 61), "not past the declared size")
        #expect(try await store.upload(upload(1, alice, size: 60).id)?.offset == 30)

        let record = BlobRecord(id: hash, owner: alice, size: 60, createdAt: t0, expiresAt: later)
        try await store.completeUpload(upload(1, alice, size: 60).id, as: record)
        try await store.completeUpload(upload(1, alice, size: 60).id, as: record)  // idempotent
        #expect(try await store.upload(upload(1, alice, size: 60).id) == nil)
        #expect(try await store.blob(hash, owner: alice) == record)
        #expect(try await store.blobExists(hash))
        await #expect(throws: RelayStorageError.quotaExceeded, "stored blobs count against the quota") {
            try await store.createUpload(upload(4, alice, size: 41), quota: 100)
        }
        // Bob completes the same ciphertext: two references, one content.
        try await store.completeUpload(
            upload(3, bob, size: 60).id, as: BlobRecord(id: hash, owner: bob, size: 60, createdAt: t0, expiresAt: t0.addingTimeInterval(10)))
        #expect(try await store.blobAndUploadIDs(of: bob).blobs == [hash])
        #expect(try await store.deleteBlob(hash, owner: alice), "bob still holds it")
        #expect(try await store.expireBlobs(now: t0.addingTimeInterval(10)).blobs == [hash], "the last reference expired")
        #expect(try await !store.blobExists(hash))

        try await store.createUpload(upload(5, alice, size: 10, expires: t0.addingTimeInterval(5)), quota: 100)
        #expect(try await store.expireBlobs(now: t0.addingTimeInterval(5)).uploads == [upload(5, alice, size: 10).id])
        try await store.createUpload(upload(6, alice, size: 10), quota: 100)
        try await store.deleteUpload(upload(6, alice, size: 10).id)
        #expect(try await store.upload(upload(6, alice, size: 10).id) == nil)

        // Deleting the account drops its blobs and uploads.
        try await store.createUpload(upload(7, bob, size: 10), quota: 100)
        try await store.completeUpload(upload(7, bob, size: 10).id, as: BlobRecord(id: hash, owner: bob, size: 10, createdAt: t0, expiresAt: later))
        try await store.createUpload(upload(8, bob, size: 10), quota: 100)
        try await store.deleteAccount(bob)
        #expect(try await !store.blobExists(hash))
        #expect(try await store.upload(upload(8, bob, size: 10).id) == nil)
    }
}

/// Collects what a delivery's `stored` listener was called with.
final class ReportedEntries: Sendable {
    private let calls = Mutex<[[MailboxEntry]]>([])
    func append(_ entries: [MailboxEntry]) { calls.withLock { $0.append(entries) } }
    func take() -> [[MailboxEntry]] { calls.withLock { calls in defer { calls = [] }; return calls } }
}
