public import Crypto
public import Foundation
public import RelayAPI

/// One method per relay route a client uses (see `docs/relay.md` and the OpenAPI document).
extension RelayClient {
    /// `POST /v1/accounts`, signed by the new key itself.
    public func register(signingKey: Curve25519.Signing.PrivateKey, username: String?) async throws -> RegisterResponse {
        try await call(
            "POST", "/v1/accounts", json: RegisterRequest(publicKey: signingKey.publicKey.rawRepresentation, username: username),
            registeringWith: signingKey)
    }

    public func setUsername(_ username: String) async throws {
        try await perform("PUT", "/v1/account/username", json: UsernameRequest(username: username))
    }

    /// Exact lookup; ``RelayClientError/notFound`` when nobody has the name.
    public func lookUp(username: String) async throws -> String {
        guard Username.isValid(username) else { throw LetterlockError.invalidUsername }
        return try await call("GET", "/v1/usernames/\(username)", as: UsernameLookupResponse.self).accountID
    }

    public func ownDevices() async throws -> DeviceListResponse { try Self.checked(try await call("GET", "/v1/devices")) }

    /// The key directory: an account's devices and signing keys.
    public func devices(of accountID: String) async throws -> DeviceListResponse {
        guard Self.isRelayID(accountID) else { throw RelayClientError.notFound }
        return try Self.checked(try await call("GET", "/v1/accounts/\(accountID)/devices"))
    }

    /// A device list whose ids are all relay ids: they are printed and stored, so a relay must
    /// not slip terminal escapes or paths into them (client review L5).
    static func checked(_ list: DeviceListResponse) throws -> DeviceListResponse {
        guard isRelayID(list.accountID), list.devices.allSatisfy({ isRelayID($0.deviceID) }) else { throw RelayClientError.unexpectedResponse }
        return list
    }

    /// `POST /v1/devices`: adds a device whose key signed `proof` over the account id.
    public func addDevice(publicKey: Data, proof: Data) async throws -> RegisterResponse {
        try await call("POST", "/v1/devices", json: AddDeviceRequest(publicKey: publicKey, proof: proof))
    }

    public func removeDevice(_ deviceID: String) async throws {
        guard Self.isRelayID(deviceID) else { throw RelayClientError.notFound }
        try await perform("DELETE", "/v1/devices/\(deviceID)")
    }

    /// Deletes the signing device's whole account.
    public func deleteAccount() async throws { try await perform("DELETE", "/v1/account") }

    /// A new delivery token for the account (the old one stops working).
    public func rotateDeliveryToken() async throws -> Data {
        try await call("POST", "/v1/delivery-token", as: DeliveryTokenResponse.self).token
    }

    /// Sealed send: unauthenticated, each recipient authorised by its account's delivery token.
    @discardableResult
    public func sendSealed(_ payload: Data, to recipients: [(deviceID: String, token: Data)]) async throws -> SendResponse {
        try await call(
            "POST", "/v1/messages/sealed",
            json: SealedSendRequest(recipients: recipients.map { .init(deviceID: $0.deviceID, token: $0.token) }, payload: payload), signed: false)
    }

    /// An identified first-contact request to devices of one account.
    @discardableResult
    public func sendRequest(_ payload: Data, to deviceIDs: [String]) async throws -> SendResponse {
        try await call("POST", "/v1/messages/requests", json: RequestSendRequest(recipients: deviceIDs, payload: payload))
    }

    public enum Queue: String, Sendable { case inbox, requests }

    /// One page of the signing device's mailbox, oldest first.
    public func mailbox(_ queue: Queue, after: Int64? = nil, limit: Int? = nil) async throws -> [MailboxEntryBody] {
        var path = "/v1/mailbox?queue=\(queue.rawValue)"
        if let after { path += "&after=\(after)" }
        if let limit { path += "&limit=\(limit)" }
        return try await call("GET", path, as: MailboxPageResponse.self).entries
    }

    @discardableResult
    public func acknowledge(_ ids: [Int64]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await call("POST", "/v1/mailbox/ack", json: AckRequest(ids: ids), as: AckResponse.self).acknowledged
    }

    public enum RequestAnswer: String, Sendable { case accept, ignore, block }

    /// Answers a request entry (the relay drops it; `block` also blocks the sender).
    public func answerRequest(_ entryID: Int64, _ answer: RequestAnswer) async throws {
        try await perform("POST", "/v1/requests/\(entryID)/\(answer.rawValue)")
    }

    public func blocks() async throws -> [String] { try await call("GET", "/v1/blocks", as: BlockListResponse.self).accounts }

    public func block(_ accountID: String) async throws {
        guard Self.isRelayID(accountID) else { throw RelayClientError.notFound }
        try await perform("PUT", "/v1/blocks/\(accountID)")
    }

    public func unblock(_ accountID: String) async throws {
        guard Self.isRelayID(accountID) else { throw RelayClientError.notFound }
        try await perform("DELETE", "/v1/blocks/\(accountID)")
    }

    /// Relay ids are 32 lowercase hex characters; anything else never reaches a URL path.
    public static func isRelayID(_ id: String) -> Bool {
        RelayID.isValid(id)
    }
}
