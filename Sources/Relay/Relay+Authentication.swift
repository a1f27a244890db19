import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import RelayAPI
import RelayStorage

/// A request whose signature verified: the signing device, the body it signed and that body's
/// SHA-256 (computed once, for the signature; a blob part's hash in its content address).
struct AuthenticatedRequest: Sendable {
    let device: Device
    let body: ByteBuffer
    let bodySHA256: SHA256.Digest
}

extension Relay {
    /// Authenticates a signed request (see ``RequestSigning``): the device exists, the timestamp
    /// is within the allowed skew, the Ed25519 signature over the canonical request (naming one
    /// of this relay's authorities) verifies, the nonce was not used before, and the device is
    /// within its rate limit.
    ///
    /// The nonce is checked once, by the store (``RequestNonceStore``), in the same group-commit
    /// job as the device's rate-limit counter: a live nonce is refused before the budget is
    /// spent, and an accepted one is recorded until it expires, so that it outlives a restart and
    /// holds for every node sharing the store (relay review L2). Only a request that passed the
    /// rate limit records its nonce, so neither unauthenticated nor rate-limited traffic takes
    /// space (review H1): one device holds at most its rate limit's worth of nonces per lifetime
    /// (twice the allowed skew). There is no in-memory replay cache in front (removed in session
    /// 5, docs/relay.md "Replay protection"): every signed request reaches this job anyway, for
    /// its rate limit, so a cache would only have duplicated the store's answer.
    func authenticate(_ request: inout Request, bodyLimit: Int) async throws -> AuthenticatedRequest {
        let headers = try SignatureHeaders(request.headers)
        guard let deviceID = DeviceID(rawValue: headers.device), let device = try await store.device(deviceID) else {
            metrics.authenticationFailures.increment()
            throw RelayError.unknownDevice
        }
        let body = try await collectBody(&request, limit: bodyLimit)
        let bodySHA256 = try verify(request, body: body, headers: headers, publicKey: device.publicKey)
        let now = now()
        switch try await store.admitRequest(
            device: device.id, nonce: headers.nonce, expiresAt: now.addingTimeInterval(2 * configuration.timestampSkew),
            rateLimitKey: "device:\(device.id)", windows: configuration.deviceRequestLimits, now: now)
        {
        case .accepted:
            return AuthenticatedRequest(device: device, body: body, bodySHA256: bodySHA256)
        case .replayed:
            metrics.authenticationFailures.increment()
            throw RelayError.replayedRequest
        case .rateLimited:
            metrics.rateLimited.increment()
            throw RelayError.rateLimited
        }
    }

    /// Checks the timestamp and signature of a request signed by `publicKey` (not the nonce: see
    /// ``authenticate(_:bodyLimit:)``; registration needs no nonce, see `register`). Returns the
    /// body's SHA-256, hashed once whatever the number of authorities tried.
    @discardableResult
    func verify(_ request: Request, body: ByteBuffer, headers: SignatureHeaders, publicKey: Data) throws -> SHA256.Digest {
        let now = now()
        guard abs(now.timeIntervalSince1970 - TimeInterval(headers.timestamp)) <= configuration.timestampSkew else {
            metrics.authenticationFailures.increment()
            throw RelayError.staleRequest
        }
        let bodySHA256 = SHA256.hash(data: body.readableBytesView)
        guard let key = DevicePublicKey.validated(publicKey),
            signedAuthorities(request.head.authority).contains(where: { authority in
                key.isValidSignature(
                    headers.signature,
                    for: RequestSigning.canonicalRequest(
                        authority: authority, method: request.method.rawValue, path: request.uri.string, bodySHA256: bodySHA256,
                        timestamp: headers.timestamp, nonce: headers.nonce, device: headers.device))
            })
        else {
            metrics.authenticationFailures.increment()
            throw RelayError.badSignature
        }
        return bodySHA256
    }

    /// The authorities a signature may name (client review M8): the configured public ones, or,
    /// with none configured, the request's own `Host` when it is a loopback name. A `Host` a
    /// client chose is never trusted beyond loopback: a host that captured a request signed for
    /// itself would otherwise send it here under its own name.
    func signedAuthorities(_ host: String?) -> [String] {
        if !configuration.publicAuthorities.isEmpty { return configuration.publicAuthorities }
        guard let host, let authority = RequestSigning.normalizedAuthority(host), RequestSigning.isLoopback(authority: authority) else { return [] }
        return [authority]
    }
}

/// The four signature headers, parsed but not yet verified.
struct SignatureHeaders {
    let device: String
    let timestamp: Int64
    let nonce: String
    let signature: Data

    init(_ fields: HTTPFields) throws {
        func field(_ name: String) -> String? { HTTPField.Name(name).flatMap { fields[$0] } }
        guard let device = field(RequestSigning.deviceHeader), let timestampText = field(RequestSigning.timestampHeader),
            let nonce = field(RequestSigning.nonceHeader), let signatureText = field(RequestSigning.signatureHeader)
        else { throw RelayError.unauthenticated }
        guard let timestamp = Int64(timestampText), RequestSigning.isWellFormedNonce(nonce),
            let signature = Data(base64URLEncoded: signatureText), signature.count == 64,
            device.utf8.count <= 64
        else { throw RelayError.badSignature }
        self.device = device
        self.timestamp = timestamp
        self.nonce = nonce
        self.signature = signature
    }
}
