import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import RelayAPI
import RelayStorage

/// A request whose signature verified: the signing device and the body it signed.
struct AuthenticatedRequest: Sendable {
    let device: Device
    let body: ByteBuffer
}

extension Relay {
    /// Authenticates a signed request (see ``RequestSigning``): the device exists, the timestamp
    /// is within the allowed skew, the Ed25519 signature over the canonical request verifies, the
    /// nonce was not used before, and the device is within its rate limit. The nonce is recorded
    /// last, so that neither unauthenticated nor rate-limited traffic takes space in the replay
    /// cache (review H1); the replay check before the rate limit keeps a replayed request from
    /// spending the genuine device's budget.
    func authenticate(_ request: inout Request, bodyLimit: Int) async throws -> AuthenticatedRequest {
        let headers = try SignatureHeaders(request.headers)
        guard let deviceID = DeviceID(rawValue: headers.device), let device = try await store.device(deviceID) else {
            metrics.authenticationFailures.increment()
            throw RelayError.unknownDevice
        }
        let body = try await collectBody(&request, limit: bodyLimit)
        try verify(request, body: body, headers: headers, publicKey: device.publicKey)
        guard await !replayCache.contains(device: headers.device, nonce: headers.nonce, now: now()) else {
            metrics.authenticationFailures.increment()
            throw RelayError.replayedRequest
        }
        try await rateLimit("device:\(device.id)", configuration.deviceRequestLimits)
        switch await replayCache.insert(device: headers.device, nonce: headers.nonce, now: now()) {
        case .fresh: return AuthenticatedRequest(device: device, body: body)
        case .replayed:
            metrics.authenticationFailures.increment()
            throw RelayError.replayedRequest
        case .full: throw RelayError.replayCacheFull
        }
    }

    /// Checks the timestamp and signature of a request signed by `publicKey` (not the nonce: see
    /// ``authenticate(_:bodyLimit:)``; registration needs no nonce, see `register`).
    func verify(_ request: Request, body: ByteBuffer, headers: SignatureHeaders, publicKey: Data) throws {
        let now = now()
        guard abs(now.timeIntervalSince1970 - TimeInterval(headers.timestamp)) <= configuration.timestampSkew else {
            metrics.authenticationFailures.increment()
            throw RelayError.staleRequest
        }
        let message = RequestSigning.canonicalRequest(
            method: request.method.rawValue, path: request.uri.string, body: body.readableBytesView, timestamp: headers.timestamp,
            nonce: headers.nonce, device: headers.device
        )
        guard let key = DevicePublicKey.validated(publicKey),
            key.isValidSignature(headers.signature, for: message)
        else {
            metrics.authenticationFailures.increment()
            throw RelayError.badSignature
        }
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
