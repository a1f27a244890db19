public import AsyncHTTPClient
public import Crypto
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import RelayAPI

/// The relay's HTTP API as a client sees it: every request signed per ``RequestSigning``.
///
/// Each request gets a fresh nonce and the current time, so a retried call is a new request (the
/// relay refuses replayed nonces). Error answers become ``RelayClientError`` with the relay's
/// stable code; a relay that cannot be reached is ``RelayClientError/unreachable``.
///
/// The route methods live in `RelayClient+Routes.swift`. Other modules (encrypted files) reuse
/// the signing and transport through ``send(_:_:body:headers:signed:responseLimit:)`` and
/// ``signatureHeaders(method:pathAndQuery:body:)``.
public struct RelayClient: Sendable {
    /// Who signs: a registered device and its key.
    public struct Credentials: Sendable {
        public var deviceID: String
        public var signingKey: Curve25519.Signing.PrivateKey
        public init(deviceID: String, signingKey: Curve25519.Signing.PrivateKey) {
            self.deviceID = deviceID
            self.signingKey = signingKey
        }
    }

    /// A relay answer: status, headers and the collected body.
    public struct Response: Sendable {
        public var status: Int
        public var headers: [(name: String, value: String)]
        public var body: Data

        public func header(_ name: String) -> String? { headers.first { $0.name.lowercased() == name.lowercased() }?.value }
    }

    /// `http://host:port`, without a trailing slash.
    public let baseURL: String
    /// The relay's authority as every signature names it (``RequestSigning/authority(of:)``).
    public let authority: String
    public var credentials: Credentials?
    public var timeout: Duration
    let http: HTTPClient
    let now: @Sendable () -> Date

    /// - Parameters:
    ///   - relayURL: `http://` or `https://` URL of the relay.
    ///   - http: the transport (the process-wide shared client by default).
    public init(
        relayURL: String, credentials: Credentials? = nil, timeout: Duration = .seconds(30), http: HTTPClient = .letterlock,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws {
        var base = relayURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let url = URL(string: base), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https", url.host != nil,
            url.query == nil, url.path.isEmpty, let authority = RequestSigning.authority(of: url)
        else { throw RelayClientError.invalidURL }
        self.baseURL = base
        self.authority = authority
        self.credentials = credentials
        self.timeout = timeout
        self.http = http
        self.now = now
    }

    /// The four signature headers for a request, signed with ``credentials`` (or, when
    /// `registeringWith` is given, with that key as device `-`).
    public func signatureHeaders(
        method: String, pathAndQuery: String, body: some DataProtocol, registeringWith key: Curve25519.Signing.PrivateKey? = nil
    ) throws -> [(name: String, value: String)] {
        let timestamp = Int64(now().timeIntervalSince1970)
        if let key {
            return try RequestSigning.headers(
                authority: authority, method: method, path: pathAndQuery, body: body, device: RequestSigning.registeringDevice, key: key,
                timestamp: timestamp)
        }
        guard let credentials else { throw LetterlockError.notRegistered }
        return try RequestSigning.headers(
            authority: authority, method: method, path: pathAndQuery, body: body, device: credentials.deviceID, key: credentials.signingKey,
            timestamp: timestamp)
    }

    /// Sends one request and collects the answer, whatever its status.
    ///
    /// - Parameters:
    ///   - pathAndQuery: starts with `/`; signed exactly as given.
    ///   - signed: false for the unauthenticated routes (sealed sends, health).
    ///   - responseLimit: the most body bytes accepted (a larger answer is an error, not a crash).
    public func send(
        _ method: String, _ pathAndQuery: String, body: Data = Data(), headers extra: [(name: String, value: String)] = [], signed: Bool = true,
        registeringWith key: Curve25519.Signing.PrivateKey? = nil, responseLimit: Int = 8 << 20
    ) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL + pathAndQuery)
        request.method = HTTPMethod(rawValue: method)
        if !body.isEmpty { request.headers.add(name: "Content-Type", value: "application/json") }
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        if signed || key != nil {
            for (name, value) in try signatureHeaders(method: method, pathAndQuery: pathAndQuery, body: body, registeringWith: key) {
                request.headers.replaceOrAdd(name: name, value: value)
            }
        }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let collected: ByteBuffer
        do {
            response = try await http.execute(request, timeout: .nanoseconds(Int64(timeout.components.seconds) * 1_000_000_000))
            collected = try await response.body.collect(upTo: responseLimit)
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw RelayClientError.unexpectedResponse
        } catch {
            throw RelayClientError.unreachable
        }
        return Response(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(buffer: collected))
    }

    /// Sends a request and decodes a 2xx JSON answer; any other answer becomes a ``RelayClientError``.
    func call<Answer: Decodable>(
        _ method: String, _ pathAndQuery: String, json: (some Encodable)? = Optional<Data>.none, signed: Bool = true,
        registeringWith key: Curve25519.Signing.PrivateKey? = nil, as: Answer.Type = Answer.self
    ) async throws -> Answer {
        let response = try await exchange(method, pathAndQuery, json: json, signed: signed, registeringWith: key)
        do {
            return try JSONDecoder().decode(Answer.self, from: response.body)
        } catch {
            throw RelayClientError.unexpected(status: response.status)
        }
    }

    /// Like ``call(_:_:json:signed:registeringWith:as:)`` for answers without a body (204).
    func perform(_ method: String, _ pathAndQuery: String, json: (some Encodable)? = Optional<Data>.none) async throws {
        _ = try await exchange(method, pathAndQuery, json: json, signed: true, registeringWith: nil)
    }

    private func exchange(
        _ method: String, _ pathAndQuery: String, json: (some Encodable)?, signed: Bool, registeringWith key: Curve25519.Signing.PrivateKey?
    ) async throws -> Response {
        let body = try json.map { try JSONEncoder().encode($0) } ?? Data()
        let response = try await send(method, pathAndQuery, body: body, signed: signed, registeringWith: key)
        guard (200..<300).contains(response.status) else { throw Self.error(from: response) }
        return response
    }

    /// The typed error for a non-2xx answer.
    public static func error(from response: Response) -> RelayClientError {
        if let body = try? JSONDecoder().decode(ErrorBody.self, from: response.body) {
            return .relay(code: body.code, status: response.status, message: body.message)
        }
        return .unexpected(status: response.status)
    }
}
