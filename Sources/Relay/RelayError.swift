public import Hummingbird
import Foundation
import RelayAPI

/// An error the relay returns to a client: an HTTP status, a stable code and a message.
///
/// Codes are part of the API (clients switch on them) and never change meaning; messages are for
/// people. Neither ever carries user data.
public struct RelayError: Error, HTTPResponseError, Sendable, Equatable, CustomStringConvertible {
    public let status: HTTPResponse.Status
    public let code: String
    public let message: String

    init(_ status: HTTPResponse.Status, _ code: String, _ message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let body = try encoder.encode(ErrorBody(code: code, message: message))
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static let malformedRequest = RelayError(.badRequest, "malformed_request", "the request body or parameters are not valid")
    static let bodyTooLarge = RelayError(.contentTooLarge, "body_too_large", "the request body is too large")
    static let payloadTooLarge = RelayError(.contentTooLarge, "payload_too_large", "the payload is too large")
    static let unauthenticated = RelayError(.unauthorized, "unauthenticated", "the request is not signed")
    static let unknownDevice = RelayError(.unauthorized, "unknown_device", "the signing device is not registered")
    static let badSignature = RelayError(.unauthorized, "bad_signature", "the request signature does not verify")
    static let staleRequest = RelayError(.unauthorized, "stale_request", "the request timestamp is too far from the relay's clock")
    static let replayedRequest = RelayError(.unauthorized, "replayed_request", "this request nonce was already used")
    static let notFound = RelayError(.notFound, "not_found", "no such resource")
    /// Not the answer to a blocked sender: device lists are public, so that would reveal the
    /// block; a blocked request is answered like a delivered one.
    static let unknownRecipient = RelayError(.notFound, "unknown_recipient", "one or more recipients are unknown or not reachable")
    static let noKeyPackage = RelayError(.notFound, "no_key_package", "the device has no key package for this cipher suite")
    static let rateLimited = RelayError(.tooManyRequests, "rate_limited", "too many requests; retry later")
    static let deviceLimitReached = RelayError(.conflict, "device_limit_reached", "the account has the maximum number of devices")
    static let lastDevice = RelayError(.conflict, "last_device", "the last device cannot be removed; delete the account instead")
    static let weakPublicKey = RelayError(.badRequest, "invalid_public_key", "the public key is not an acceptable Ed25519 key")
    static let deviceExists = RelayError(.conflict, "device_exists", "this public key is already registered")
    static let usernameTaken = RelayError(.conflict, "username_taken", "the username is taken")
    static let invalidUsername = RelayError(.badRequest, "invalid_username", "usernames are 3 to 32 characters of a-z, 0-9 and _")
    static let keyPackageLimitReached = RelayError(.conflict, "key_package_limit_reached", "too many key packages stored for a cipher suite")
    static let commitConflict = RelayError(
        .conflict, "commit_conflict", "another commit was already accepted for this group epoch; fetch it and rebase"
    )
    static let commitEpochAhead = RelayError(
        .conflict, "commit_epoch_ahead", "the group has no accepted commit for the previous epoch; fetch the missing commits first"
    )
    static let mailboxFull = RelayError(
        HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "mailbox_full",
        "a recipient's mailbox is full; retry after it has fetched its messages"
    )
    /// The global disk high-water mark (``FreeSpaceGuard``): nothing new is stored until space
    /// is freed; acknowledging, fetching, deleting and downloading still work.
    static let insufficientStorage = RelayError(
        HTTPResponse.Status(code: 507, reasonPhrase: "Insufficient Storage"), "insufficient_storage",
        "the relay is low on disk space and accepts no new messages or uploads; retry later"
    )
    static let malformedMLSMessage = RelayError(.badRequest, "malformed_mls_message", "the payload is not a well-formed MLS message")
    static let unsupportedMLSVersion = RelayError(.badRequest, "unsupported_mls_version", "the MLS protocol version is not supported")
    static let quotaExceeded = RelayError(.conflict, "quota_exceeded", "the account's blob storage quota is exhausted")
    static let uploadOffsetMismatch = RelayError(
        .conflict, "upload_offset_mismatch", "the chunk does not start at the upload's offset; fetch it and resume")
    static let blobHashMismatch = RelayError(.badRequest, "blob_hash_mismatch", "the uploaded bytes do not match the declared content address")
    static let unsupportedBlobAddressing = RelayError(
        .badRequest, "unsupported_blob_addressing", "uploads must use the per-part content address letterlock-blob-v2")
    static let rangeNotSatisfiable = RelayError(.rangeNotSatisfiable, "range_not_satisfiable", "the requested byte range is not satisfiable")
    static let internalError = RelayError(.internalServerError, "internal_error", "the relay failed to handle the request")
}
