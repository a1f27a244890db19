import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Relay
import RelayAPI
import RelayStorage
import Synchronization
import Testing

/// A wall clock the test moves by hand.
final class TestClock: Sendable {
    private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    func now() -> Date { current.withLock { $0 } }
    func advance(by seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

/// A device as the tests drive it: its key and the ids the relay gave it.
struct TestDevice: Sendable {
    let key: Curve25519.Signing.PrivateKey
    var accountID: String
    var deviceID: String

    init(key: Curve25519.Signing.PrivateKey = .init(), accountID: String = "", deviceID: String = "") {
        self.key = key
        self.accountID = accountID
        self.deviceID = deviceID
    }

    var publicKey: Data { key.publicKey.rawRepresentation }
}

/// A relay over an in-memory store (or the one given), with a test clock.
struct RelayHarness: Sendable {
    let store: any RelayStore
    let clock = TestClock()
    let relay: Relay

    init(
        configuration: Relay.Configuration = Relay.Configuration(), store: any RelayStore = InMemoryRelayStore(),
        blobContent: (any BlobContentStore)? = nil, freeDiskBytes: (@Sendable () -> Int64?)? = nil
    ) {
        self.store = store
        let clock = self.clock
        self.relay = Relay(
            store: store, blobContent: blobContent, configuration: configuration, now: { clock.now() }, freeDiskBytes: freeDiskBytes)
    }

    /// Runs `body` against the router, without a network.
    func withClient(_ body: @Sendable (RelayTestClient) async throws -> Void) async throws {
        let app = Application(router: relay.makeRouter())
        try await app.test(.router) { client in try await body(RelayTestClient(client: client, clock: clock)) }
    }
}

/// Signs and sends requests the way a Letterlock client does.
struct RelayTestClient: Sendable {
    let client: any TestClientProtocol
    let clock: TestClock

    /// Sends a request; signs it as `device` unless nil. `tamper` edits the signed request's
    /// headers or body after signing.
    @discardableResult
    func send(
        _ method: HTTPRequest.Method, _ path: String, body: Data = Data(), as device: TestDevice?, signingDevice: String? = nil,
        timestamp: Int64? = nil, nonce: String? = nil, authority: String = "localhost", tamper: ((inout HTTPFields, inout Data) -> Void)? = nil
    ) async throws -> TestResponse {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if let device {
            // The router test framework's requests carry the authority "localhost".
            for (name, value) in try RequestSigning.headers(
                authority: authority, method: method.rawValue, path: path, body: body, device: signingDevice ?? device.deviceID, key: device.key,
                timestamp: timestamp ?? Int64(clock.now().timeIntervalSince1970), nonce: nonce ?? RequestSigning.freshNonce()
            ) {
                headers[HTTPField.Name(name)!] = value
            }
        }
        var body = body
        tamper?(&headers, &body)
        return try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: body))
    }

    @discardableResult
    func send(_ method: HTTPRequest.Method, _ path: String, json: some Encodable, as device: TestDevice?) async throws -> TestResponse {
        try await send(method, path, body: try JSONEncoder().encode(json), as: device)
    }

    /// Registers a new account with one device.
    func register(username: String? = nil, authority: String = "localhost") async throws -> TestDevice {
        var device = TestDevice()
        let response = try await send(
            .post, "/v1/accounts", body: try JSONEncoder().encode(RegisterRequest(publicKey: device.publicKey, username: username)), as: device,
            signingDevice: RequestSigning.registeringDevice, authority: authority
        )
        #expect(response.status == .created, "registration: \(response.errorCode ?? "")")
        let ids = try response.decode(RegisterResponse.self)
        device.accountID = ids.accountID
        device.deviceID = ids.deviceID
        return device
    }

    /// Adds a second device to `existing`'s account.
    func addDevice(to existing: TestDevice) async throws -> TestResponse {
        let new = TestDevice()
        let proof = try new.key.signature(for: RequestSigning.addDeviceProof(account: existing.accountID, publicKey: new.publicKey))
        return try await send(.post, "/v1/devices", json: AddDeviceRequest(publicKey: new.publicKey, proof: proof), as: existing)
    }

    func rotateToken(_ device: TestDevice) async throws -> Data {
        let response = try await send(.post, "/v1/delivery-token", as: device)
        #expect(response.status == .created)
        return try response.decode(DeliveryTokenResponse.self).token
    }

    func sealed(_ payload: Data, to recipients: [(TestDevice, Data)]) async throws -> TestResponse {
        try await send(
            .post, "/v1/messages/sealed",
            json: SealedSendRequest(recipients: recipients.map { .init(deviceID: $0.0.deviceID, token: $0.1) }, payload: payload), as: nil
        )
    }

    func mailbox(_ device: TestDevice, queue: String = "inbox") async throws -> [MailboxEntryBody] {
        let response = try await send(.get, "/v1/mailbox?queue=\(queue)", as: device)
        #expect(response.status == .ok)
        return try response.decode(MailboxPageResponse.self).entries
    }
}

extension TestResponse {
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONDecoder().decode(type, from: Data(body.readableBytesView)) }
    var errorCode: String? { try? decode(ErrorBody.self).code }
}

/// Builds encoded MLSMessages (RFC 9420 §6) with just enough structure for the relay's header reader.
enum MLSMessageBuilder {
    static func varint(_ n: Int) -> [UInt8] {
        switch n {
        case 0..<64: [UInt8(n)]
        case 64..<16384: [UInt8(0x40 | (n >> 8)), UInt8(n & 0xff)]
        default: [UInt8(0x80 | (n >> 24)), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
        }
    }

    static func vector(_ bytes: [UInt8]) -> [UInt8] { varint(bytes.count) + bytes }

    static func uint64(_ v: UInt64) -> [UInt8] { (0..<8).reversed().map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// A PrivateMessage: content type 1 application, 2 proposal, 3 commit.
    static func privateMessage(group: String, epoch: UInt64, contentType: UInt8, body: String = "ciphertext") -> Data {
        Data(
            [0, 1, 0, 2] + vector(Array(group.utf8)) + uint64(epoch) + [contentType] + vector([]) + vector(Array("sender".utf8))
                + vector(Array(body.utf8)))
    }

    /// A PublicMessage from a member.
    static func publicMessage(group: String, epoch: UInt64, contentType: UInt8, body: String = "content") -> Data {
        Data([0, 1, 0, 1] + vector(Array(group.utf8)) + uint64(epoch) + [1, 0, 0, 0, 7] + vector([]) + [contentType] + Array(body.utf8))
    }

    static func welcome(_ body: String = "welcome") -> Data { Data([0, 1, 0, 3] + Array(body.utf8)) }
}
