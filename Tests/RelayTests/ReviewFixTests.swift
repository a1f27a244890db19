import Crypto
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Relay
import RelayAPI
import RelayStorage
import Testing

/// Regression tests for the fixes of the 2026-11-21 review that live in the routes
/// (docs/reviews/2026-11-21-relay-and-decoding.md): each fails without its fix.
@Suite struct ReviewFixTests {
    static func payload(_ size: Int, _ tag: String = "") -> Data { MLSMessageBuilder.welcome(tag + String(repeating: "x", count: size - 4 - tag.utf8.count)) }

    // MARK: M4: bytes

    @Test func anAccountsQueuedBytesAreCapped() async throws {
        var configuration = Relay.Configuration()
        configuration.maximumMailboxBytesPerAccount = 3_000
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            let token = try await client.rotateToken(bob)
            let stranger = try await client.register()
            for n in 0..<3 { #expect(try await client.sealed(Self.payload(1_000, "\(n)"), to: [(bob, token)]).status == .created) }
            let full = try await client.sealed(Self.payload(1_000, "3"), to: [(bob, token)])
            #expect(full.status.code == 507 && full.errorCode == "mailbox_full")
            // A request to a full account looks delivered (no oracle) and is dropped.
            let request = try await client.send(
                .post, "/v1/messages/requests", json: RequestSendRequest(recipients: [bob.deviceID], payload: Self.payload(1_000)), as: stranger)
            #expect(request.status == .created)
            #expect(try await client.mailbox(bob, queue: "requests") == [])
            // Fetching and acknowledging frees the space.
            let queued = try await client.mailbox(bob)
            _ = try await client.send(.post, "/v1/mailbox/ack", json: AckRequest(ids: [queued[0].id]), as: bob)
            #expect(try await client.sealed(Self.payload(1_000, "4"), to: [(bob, token)]).status == .created)
        }
    }

    @Test func aSendersRequestBytesAreBudgetedWhetherOrNotItIsBlocked() async throws {
        var configuration = Relay.Configuration()
        configuration.requestByteLimits = [.perDay(2_500)]
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            let carol = try await client.register()
            let stranger = try await client.register()
            let pest = try await client.register()
            #expect(try await client.send(.put, "/v1/blocks/\(pest.accountID)", as: carol).status == .noContent)
            func request(_ from: TestDevice, to: TestDevice, _ n: Int) async throws -> TestResponse {
                try await client.send(
                    .post, "/v1/messages/requests", json: RequestSendRequest(recipients: [to.deviceID], payload: Self.payload(1_000, "\(n)")),
                    as: from)
            }
            // The same answers, blocked or not: two fit, the third is over the budget.
            for (sender, recipient) in [(stranger, bob), (pest, carol)] {
                #expect(try await request(sender, to: recipient, 1).status == .created)
                #expect(try await request(sender, to: recipient, 2).status == .created)
                let third = try await request(sender, to: recipient, 3)
                #expect(third.status == .tooManyRequests && third.errorCode == "rate_limited")
            }
            #expect(try await client.mailbox(bob, queue: "requests").count == 2)
        }
    }

    // MARK: L3: a coarse per-address limit in front of everything

    @Test func everyRouteIsLimitedPerAddressBeforeAnyWork() async throws {
        var configuration = Relay.Configuration()
        configuration.addressRequestLimit = RateLimitWindow(seconds: 60, limit: 3)
        let harness = RelayHarness(configuration: configuration)
        try await harness.withClient { client in
            for _ in 0..<3 { #expect(try await client.send(.get, "/v1/devices", as: nil).errorCode == "unauthenticated") }
            let limited = try await client.send(.get, "/v1/devices", as: nil)
            #expect(limited.status == .tooManyRequests && limited.errorCode == "rate_limited")
            #expect(try await client.send(.post, "/v1/messages/sealed", as: nil).errorCode == "rate_limited", "before the body is read")
            #expect(try await client.send(.get, "/healthz", as: nil).status == .ok, "probes are not limited")
            #expect(try await client.send(.get, "/readyz", as: nil).status == .ok)
            harness.clock.advance(by: 60)
            #expect(try await client.send(.get, "/v1/devices", as: nil).errorCode == "unauthenticated", "the next window")
        }
    }

    // MARK: L4: claims per (claiming account, target)

    @Test func oneAccountCannotDrainATargetsKeyPackages() async throws {
        var configuration = Relay.Configuration()
        configuration.keyPackageClaimLimitsPerTarget = [.perDay(2)]
        try await RelayHarness(configuration: configuration).withClient { client in
            let bob = try await client.register()
            let mallory = try await client.register()
            let alice = try await client.register()
            let upload = KeyPackageUploadRequest(keyPackages: (0..<5).map { KeyPackageBody(cipherSuite: 1, data: Data("kp\($0)".utf8)) }, lastResort: nil)
            #expect(try await client.send(.post, "/v1/key-packages", json: upload, as: bob).status == .noContent)
            let claim = "/v1/devices/\(bob.deviceID)/key-packages/claim?cipherSuite=1"
            #expect(try await client.send(.post, claim, as: mallory).status == .ok)
            #expect(try await client.send(.post, claim, as: mallory).status == .ok)
            #expect(try await client.send(.post, claim, as: mallory).errorCode == "rate_limited")
            #expect(try await client.send(.post, claim, as: alice).status == .ok, "others still get packages")
            let counts = try await client.send(.get, "/v1/key-packages/counts", as: bob).decode(KeyPackageCountsResponse.self)
            #expect(counts.counts.first?.oneTime == 2)
        }
    }

    // MARK: L6: counters go with the account

    @Test func rateLimitCountersGoWithTheirAccount() async throws {
        let harness = RelayHarness()
        try await harness.withClient { client in
            let doomed = try await client.register()
            #expect(try await client.send(.get, "/v1/devices", as: doomed).status == .ok)
            let one = [RateLimitWindow(seconds: 60, limit: 1)]
            #expect(try await !harness.store.consumeRateLimit("device:\(doomed.deviceID)", windows: one, now: harness.clock.now()), "counted")
            #expect(try await client.send(.delete, "/v1/account", as: doomed).status == .noContent)
            #expect(try await harness.store.consumeRateLimit("device:\(doomed.deviceID)", windows: one, now: harness.clock.now()), "erased")
        }
    }

    // MARK: L7 and readiness: store failures

    @Test func storeFailuresAreInternalErrorsLoggedWithoutDetailAndMakeTheRelayNotReady() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-l7-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("relay.sqlite").path
        let store = try SQLiteRelayStore(path: path)
        let log = CapturedLog()
        let logger = Logger(label: "relay") { _ in CapturedLog.Handler(log: log) }
        let clock = TestClock()
        let relay = Relay(store: store, now: { clock.now() }, logger: logger)
        try await Application(router: relay.makeRouter(), logger: logger).test(.router) { raw in
            let client = RelayTestClient(client: raw, clock: clock)
            let alice = try await client.register()
            #expect(try await client.send(.get, "/readyz", as: nil).status == .ok)
            // Break the schema under the relay, as a failing disk or a bad migration would.
            let saboteur = try DatabaseQueue(path: path)
            try await saboteur.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA foreign_keys = OFF")
                try db.execute(sql: "ALTER TABLE blocks RENAME TO blocks_gone; ALTER TABLE accounts RENAME TO accounts_gone")
            }
            let failed = try await client.send(.get, "/v1/blocks", as: alice)
            #expect(failed.status == .internalServerError && failed.errorCode == "internal_error")
            #expect(try await client.send(.get, "/readyz", as: nil).status == .serviceUnavailable, "not ready while the store fails")
            try await saboteur.writeWithoutTransaction { db in
                try db.execute(sql: "ALTER TABLE blocks_gone RENAME TO blocks; ALTER TABLE accounts_gone RENAME TO accounts")
            }
            #expect(try await client.send(.get, "/readyz", as: nil).status == .ok, "ready again once it answers")
            try await saboteur.close()
        }
        let lines = log.all
        #expect(lines.contains { $0.contains("request failed") && $0.contains("DatabaseError") }, "the type is logged")
        #expect(!lines.contains { $0.contains("SELECT") || $0.contains("no such table") || $0.contains("blocks_gone") }, "\(lines)")
    }

    // MARK: L5: completing and deleting the same blob

    @Test func aBlobBeingCompletedIsNotErasedByAConcurrentDelete() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("relay-l5-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let gate = PromoteGate()
        let content = GatedBlobContent(base: try FileBlobContentStore(directory: directory), gate: gate)
        try await RelayHarness(blobContent: content).withClient { client in
            let alice = try await client.register()
            let bob = try await client.register()
            let bytes = Data((0..<5_000).map { UInt8(truncatingIfNeeded: $0 &* 13) })
            let id = try await BlobRouteTests.upload(bytes, as: alice, client: client)
            let pending = try await BlobRouteTests.upload(bytes, as: bob, client: client, complete: false)
            await gate.arm()
            async let completion = BlobRouteTests.complete(pending, bytes, as: bob, client: client)
            await gate.waitUntilHeld()
            // Bob's completion has promoted the file but not yet recorded his reference. Alice,
            // the only recorded owner, deletes the blob meanwhile.
            async let deletion = client.send(.delete, "/v1/blobs/\(id)", as: alice)
            try await Task.sleep(for: .milliseconds(300))
            await gate.open()
            #expect(try await completion.status == .created)
            #expect(try await deletion.status == .noContent)
            let download = try await client.send(.get, "/v1/blobs/\(id)", as: bob)
            #expect(download.status == .ok && Data(download.body.readableBytesView) == bytes, "bob's blob survived")
        }
    }

    // MARK: trusted proxies (M6 follow-up)

    static func address(_ text: String) throws -> SocketAddress { try SocketAddress(ipAddress: text, port: 0) }

    @Test func forwardedForIsBelievedOnlyFromTrustedProxies() throws {
        let proxies = [AddressPrefix("10.0.0.0/8")!, AddressPrefix("::1")!]
        func client(_ peer: String, _ forwarded: [String], _ trusted: [AddressPrefix] = proxies) throws -> SocketAddress? {
            Relay.clientAddress(peer: try Self.address(peer), forwardedFor: forwarded, trustedProxies: trusted)
        }
        let a = try Self.address("10.0.0.5"), b = try Self.address("192.0.2.1"), c = try Self.address("203.0.113.7")
        #expect(try client("10.0.0.5", ["203.0.113.7"], []) == a, "no proxies configured: the header is ignored")
        #expect(try client("192.0.2.1", ["203.0.113.7"]) == b, "an untrusted peer's header is ignored")
        #expect(try client("10.0.0.5", ["203.0.113.7"]) == c)
        #expect(try client("10.0.0.5", ["198.51.100.1, 203.0.113.7", "10.1.1.1"]) == c, "rightmost untrusted hop")
        #expect(try client("10.0.0.5", []) == a, "no header: the proxy itself")
        #expect(try client("10.0.0.5", ["203.0.113.7, garbage"]) == a, "a malformed hop stops the walk")
        let v6 = try Self.address("2001:db8::42")
        #expect(try client("::1", ["2001:db8::42"]) == v6)
    }

    @Test func addressPrefixes() throws {
        let v4 = try #require(AddressPrefix("10.0.0.0/8"))
        let (inside, outside, mapped) = (try Self.address("10.200.3.4"), try Self.address("11.0.0.1"), try Self.address("::ffff:10.0.0.1"))
        #expect(v4.contains(inside) && !v4.contains(outside))
        #expect(v4.contains(mapped), "IPv4-mapped counts as IPv4")
        let v6 = try #require(AddressPrefix("2001:db8::/32"))
        let (in6, out6) = (try Self.address("2001:db8:1::1"), try Self.address("2001:db9::1"))
        #expect(v6.contains(in6) && !v6.contains(out6))
        #expect(!v6.contains(inside) && !v6.contains(nil))
        let host = try #require(AddressPrefix("192.168.1.77/24"))
        #expect(host.contains(try Self.address("192.168.1.1")), "host bits are ignored")
        let everything = try #require(AddressPrefix("0.0.0.0/0"))
        #expect(everything.contains(try Self.address("8.8.8.8")))
        for bad in ["1.2.3.4/33", "x", "1.2.3.4/", "/8", "1.2.3.4/-1", "::/129", "10.0.0.0/8/8", ""] { #expect(AddressPrefix(bad) == nil, "\(bad)") }
    }

    /// End to end over TCP: behind a trusted proxy, registrations are limited per forwarded
    /// client; without the option, everyone behind the proxy shares one budget.
    @Test(arguments: [true, false]) func registrationLimitsFollowTheForwardedClient(trusted: Bool) async throws {
        var configuration = Relay.Configuration()
        configuration.registrationLimits = [.perHour(1)]
        if trusted { configuration.trustedProxies = [AddressPrefix("127.0.0.1")!, AddressPrefix("::1")!] }
        let harness = RelayHarness(configuration: configuration)
        try await WebSocketPushTests.liveApplication(harness).test(.live) { raw in
            let client = RelayTestClient(client: raw, clock: harness.clock)
            func register(from address: String) async throws -> HTTPResponse.Status {
                let device = TestDevice()
                return try await client.send(
                    .post, "/v1/accounts", body: try JSONEncoder().encode(RegisterRequest(publicKey: device.publicKey)), as: device,
                    signingDevice: RequestSigning.registeringDevice, tamper: { headers, _ in headers[HTTPField.Name("X-Forwarded-For")!] = address }
                ).status
            }
            let first = try await register(from: "203.0.113.1")
            let second = try await register(from: "203.0.113.2")
            let third = try await register(from: "203.0.113.1")
            #expect(first == .created)
            #expect(second == (trusted ? .created : .tooManyRequests))
            #expect(third == .tooManyRequests)
        }
    }
}

/// Holds `promote` after it has done its work, until opened.
actor PromoteGate {
    private var armed = false
    private var held: CheckedContinuation<Void, Never>?
    private var holders: [CheckedContinuation<Void, Never>] = []

    func arm() { armed = true }

    func pass() async {
        guard armed else { return }
        armed = false
        for waiter in holders { waiter.resume() }
        holders = []
        await withCheckedContinuation { held = $0 }
    }

    func waitUntilHeld() async {
        if held != nil { return }
        await withCheckedContinuation { holders.append($0) }
    }

    func open() {
        held?.resume()
        held = nil
    }
}

/// A ``FileBlobContentStore`` whose `promote` can be held by a ``PromoteGate``.
struct GatedBlobContent: BlobContentStore {
    let base: FileBlobContentStore
    let gate: PromoteGate

    func write(upload: String, at offset: Int64, _ bytes: Data) async throws { try await base.write(upload: upload, at: offset, bytes) }
    func synchronize(upload: String) async throws { try await base.synchronize(upload: upload) }
    func partDigests(upload: String, partSize: Int) async throws -> (digests: [SHA256.Digest], size: Int64) {
        try await base.partDigests(upload: upload, partSize: partSize)
    }
    func promote(upload: String, to blob: String) async throws {
        try await base.promote(upload: upload, to: blob)
        await gate.pass()
    }
    func read(blob: String, range: Range<Int64>) async throws -> Data? { try await base.read(blob: blob, range: range) }
    func stream(blob: String, range: Range<Int64>, chunkSize: Int, to consume: (Data) async throws -> Void) async throws -> Bool {
        try await base.stream(blob: blob, range: range, chunkSize: chunkSize, to: consume)
    }
    func size(blob: String) async throws -> Int64? { try await base.size(blob: blob) }
    func erase(blob: String) async throws { try await base.erase(blob: blob) }
    func erase(upload: String) async throws { try await base.erase(upload: upload) }
    func storedIDs(modifiedBefore date: Date) async throws -> (blobs: [String], uploads: [String]) {
        try await base.storedIDs(modifiedBefore: date)
    }
}
