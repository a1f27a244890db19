public import AsyncHTTPClient
import Crypto
public import Foundation
public import NIOCore
import NIOHTTP1
public import RelayAPI

/// The relay's blob routes (docs/relay.md §Encrypted blobs), signed by an injected
/// ``RelayRequestSigner``: resumable chunked uploads and ranged, resumable downloads.
///
/// Transient failures (connection errors, HTTP 5xx, `busy`, `rate_limited`) are retried up to
/// ``Configuration/retries`` times, each retry resuming where the relay says the upload stands
/// or where the verified download stopped; other refusals throw ``FileError/relay(status:code:)``.
public struct BlobClient: Sendable {
    public struct Configuration: Sendable {
        /// Upload parts (``BlobAddress/partSize``, 4 MiB: the content address's parts) sent at
        /// once (the relay accepts parts up to 64 MiB past its offset). Each holds one part in memory.
        public var uploadPartsInFlight = 4
        /// Ranges requested ahead of the one being decrypted, so the next range is on its way
        /// while this one is verified and written.
        public var downloadRangesAhead = 1
        /// Bytes per ranged download request (the relay serves at most 16 MiB per range).
        public var downloadRangeSize = 8 << 20
        /// Attempts after the first when a request fails transiently.
        public var retries = 4
        /// Wait before the first retry; doubles each time.
        public var retryDelay: Duration = .milliseconds(200)
        /// Deadline of one request.
        public var requestTimeout: TimeAmount = .seconds(120)
        public init() {}
    }

    public let relay: URL
    public let signer: any RelayRequestSigner
    public let configuration: Configuration
    private let httpClient: HTTPClient
    /// The authority every request is signed for (``RequestSigning/authority(of:)``), nil when
    /// `relay` has none (each request then throws ``FileError/malformedLink``), and the URL
    /// prefix of every route: both computed once, not per request.
    private let authority: String?
    private let base: String

    /// - Parameter relay: the relay's base URL (scheme, host and port; no path).
    public init(relay: URL, signer: any RelayRequestSigner, httpClient: HTTPClient = .shared, configuration: Configuration = Configuration()) {
        self.relay = relay
        self.signer = signer
        self.httpClient = httpClient
        self.configuration = configuration
        self.authority = RequestSigning.authority(of: relay)
        self.base = relay.absoluteString.trimmingSuffix("/")
    }

    // MARK: Upload

    /// Starts a resumable upload of `size` bytes, content-addressed by ``BlobAddress`` (declared
    /// when the upload completes).
    public func beginUpload(size: Int64) async throws -> BlobUploadResponse {
        let body = try JSONEncoder().encode(BlobUploadRequest(size: size))
        return try await decode(BlobUploadResponse.self, try await send(.POST, "/v1/blobs/uploads", body: body, expecting: [.created]))
    }

    /// Where an upload stands: every byte before `offset` is durable on the relay.
    public func uploadStatus(_ uploadID: String) async throws -> BlobUploadResponse {
        try await decode(BlobUploadResponse.self, try await send(.GET, "/v1/blobs/uploads/\(uploadID)", expecting: [.ok]))
    }

    /// Sends the ciphertext `reader` seals from the plaintext, from wherever the relay says
    /// upload `uploadID` stands to the end, then completes it under the content address of those
    /// bytes. Call again after an interruption: it asks the relay for the offset and continues
    /// from there. The answer's `blobID` is the content address, which the relay checked against
    /// its own.
    public func upload(
        _ uploadID: String, from reader: CiphertextReader, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> BlobResponse {
        try await upload(uploadID, size: reader.size, read: { try reader.read($0, at: $1) }, progress: progress)
    }

    /// `size`: the bytes `read` gives. The relay's status is checked against it before any
    /// arithmetic: an offset outside `0...size` (which could overflow `size - offset`) or another
    /// size is refused (``FileError/sizeMismatch``; session 4 review L1). Internal for the tests,
    /// which upload bytes they chose.
    func upload(
        _ uploadID: String, size: Int64, read: (Int, Int64) throws -> Data, progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws -> BlobResponse {
        try await withRetries {
            let state = try await uploadStatus(uploadID)
            guard state.size == size, (0...size).contains(state.offset) else { throw FileError.sizeMismatch }
            progress?(TransferProgress(completed: state.offset, total: state.size))
            guard state.offset % Int64(BlobAddress.partSize) == 0 || state.offset == state.size else { throw FileError.relay(status: 200, code: "malformed_response") }
            var address = BlobAddress.Hasher(size: state.size)
            // Parts the relay already holds: hashed again here, from the bytes this reader gives
            // now, never taken from the relay; if they changed, completion fails (blob_hash_mismatch).
            var hashed: Int64 = 0
            while hashed < state.offset {
                let count = Int(min(Int64(BlobAddress.partSize), state.size - hashed))
                let part = try read(count, hashed)
                guard part.count == count else { throw FileError.io }
                address.append(part: SHA256.hash(data: part), count: count)
                hashed += Int64(count)
            }
            try await sendParts(uploadID, from: state.offset, size: state.size, address: &address, read: read, progress: progress)
            guard let digest = address.finalize() else { throw FileError.sizeMismatch }
            let blobID = BlobAddress.hex(digest)
            let body = try JSONEncoder().encode(BlobCompleteRequest(blobID: blobID))
            let stored = try await decode(
                BlobResponse.self, try await send(.POST, "/v1/blobs/uploads/\(uploadID)/complete", body: body, expecting: [.created]))
            guard stored.blobID == blobID, stored.size == state.size else { throw FileError.blobMismatch }
            return stored
        }
    }

    /// Sends `offset ..< size` in parts of ``BlobAddress/partSize``,
    /// ``Configuration/uploadPartsInFlight`` at a time: the next part is read (sealed) while the
    /// others are hashed, signed, on the wire and in the relay, which writes each at its offset.
    /// Each part's SHA-256 is computed once, for its signature and for `address` (appended in
    /// order). Progress reports the bytes the relay answered for, in order; it promises
    /// durability only up to its offset (every byte before it is on disk), where a later call
    /// resumes, and for the whole blob once the upload completes.
    private func sendParts(
        _ uploadID: String, from offset: Int64, size: Int64, address: inout BlobAddress.Hasher, read: (Int, Int64) throws -> Data,
        progress: (@Sendable (TransferProgress) -> Void)?
    ) async throws {
        let partSize = Int64(BlobAddress.partSize)
        let window = max(1, configuration.uploadPartsInFlight)
        try await withThrowingTaskGroup(of: (offset: Int64, digest: SHA256.Digest, count: Int, stood: Int64).self) { group in
            var next = offset
            var inFlight = 0
            var stood = offset
            // Digests of parts answered out of order, until the ones before them are in.
            var digests: [Int64: (SHA256.Digest, Int)] = [:]
            var hashed = offset
            while next < size || inFlight > 0 {
                while inFlight < window, next < size {
                    try Task.checkCancellation()
                    let count = Int(min(partSize, size - next))
                    let part = try read(count, next)
                    guard part.count == count else { throw FileError.io }
                    let path = "/v1/blobs/uploads/\(uploadID)?offset=\(next)"
                    group.addTask { [next, httpClient, configuration] in
                        // Per part: its hash (which the signature covers and the address takes), its signature.
                        let digest = SHA256.hash(data: part)
                        let request = try signedRequest(.PUT, path, body: part, bodySHA256: digest)
                        let response = try await httpClient.execute(request, timeout: configuration.requestTimeout)
                        guard response.status == .ok else { throw try await relayError(response) }
                        return (next, digest, count, try await decode(BlobUploadResponse.self, response).offset)
                    }
                    next += Int64(count)
                    inFlight += 1
                }
                guard let answer = try await group.next() else { break }
                inFlight -= 1
                digests[answer.offset] = (answer.digest, answer.count)
                while let (digest, count) = digests.removeValue(forKey: hashed) {
                    address.append(part: digest, count: count)
                    hashed += Int64(count)
                }
                // Progress counts the parts the relay answered for, in order: received, though
                // durable only up to its offset (`stood`, where a later call resumes).
                if max(answer.stood, hashed) > stood {
                    stood = max(answer.stood, hashed)
                    progress?(TransferProgress(completed: stood, total: size))
                }
            }
        }
    }

    /// Drops this account's reference to a blob.
    public func deleteBlob(_ blobID: String) async throws {
        _ = try await send(.DELETE, "/v1/blobs/\(blobID)", expecting: [.noContent])
    }

    // MARK: Download

    /// Downloads blob `manifest.blobID` range by range into `decryptor`, from where it stands (a
    /// resumed decryptor starts after its verified chunks), and finishes it. The next
    /// ``Configuration/downloadRangesAhead`` ranges are requested while one is decrypted, each
    /// response's body waiting (bounded by the HTTP client's back-pressure) until its turn.
    /// Transient failures resume from the last byte received.
    public func download(
        _ manifest: FileManifest, into decryptor: FileDecryptor, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws {
        let total = manifest.ciphertextSize
        let limit = Int64(max(1, configuration.downloadRangeSize))
        try await withRetries {
            var ahead: [(range: Range<Int64>, response: Task<HTTPClientResponse, any Error>)] = []
            defer { for request in ahead { request.response.cancel() } }
            while let range = decryptor.nextRange(limit: limit) {
                // The requests run in their own tasks, so a cancelled download stops here, between
                // ranges, with the verified chunks kept for a resume.
                try Task.checkCancellation()
                if ahead.first?.range != range {
                    // Not the range predicted (or nothing requested yet): start over from the decryptor's.
                    for request in ahead { request.response.cancel() }
                    ahead = [(range, try fetch(manifest.blobID, range))]
                }
                while ahead.count <= configuration.downloadRangesAhead, let last = ahead.last, let next = decryptor.range(from: last.range.upperBound, limit: limit) {
                    ahead.append((next, try fetch(manifest.blobID, next)))
                }
                let response = try await ahead.removeFirst().response.value
                guard response.status == .partialContent else { throw try await relayError(response) }
                guard response.headers.first(name: "Content-Range") == "bytes \(range.lowerBound)-\(range.upperBound - 1)/\(total)" else {
                    throw FileError.sizeMismatch
                }
                var got: Int64 = 0
                for try await buffer in response.body {
                    got += Int64(buffer.readableBytes)
                    guard got <= range.count else { throw FileError.trailingData }
                    try buffer.withUnsafeReadableBytes { try decryptor.append($0) }
                }
                guard got == range.count else { throw TransientError() }
                progress?(TransferProgress(completed: decryptor.nextCiphertextOffset, total: total))
            }
        }
        try decryptor.finish()
    }

    /// Starts the signed ranged `GET` of `range` of the blob.
    private func fetch(_ blobID: String, _ range: Range<Int64>) throws -> Task<HTTPClientResponse, any Error> {
        var request = try signedRequest(.GET, "/v1/blobs/\(blobID)", body: Data())
        request.headers.add(name: "Range", value: "bytes=\(range.lowerBound)-\(range.upperBound - 1)")
        return Task { [httpClient, configuration] in try await httpClient.execute(request, timeout: configuration.requestTimeout) }
    }

    // MARK: Requests

    struct TransientError: Error {}

    private func withRetries<T>(_ body: () async throws -> T) async throws -> T {
        var delay = configuration.retryDelay
        var attempt = 0
        while true {
            do {
                return try await body()
            } catch let error where attempt < configuration.retries && Self.isTransient(error) {
                attempt += 1
                try await Task.sleep(for: delay)
                delay *= 2
            }
        }
    }

    static func isTransient(_ error: any Error) -> Bool {
        if error is CancellationError { return false }
        if let error = error as? FileError {
            guard let code = error.relayCode else { return false }
            // 507 is the relay's disk high-water mark, however it is spelled: not transient.
            return ["busy", "rate_limited", "internal_error", "upload_offset_mismatch"].contains(code) || (code.hasPrefix("http_5") && code != "http_507")
        }
        // Connection failures and timeouts from AsyncHTTPClient / NIO.
        return error is TransientError || error is HTTPClientError || error is IOError || error is ChannelError
    }

    /// A request to `path` signed for the relay; `bodySHA256` is `body`'s SHA-256 when the
    /// caller already has it (an upload part's, which its content address takes too).
    private func signedRequest(_ method: HTTPMethod, _ path: String, body: Data, bodySHA256: SHA256.Digest? = nil) throws -> HTTPClientRequest {
        guard let authority else { throw FileError.malformedLink }
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        for (name, value) in try signer.signatureHeaders(
            authority: authority, method: method.rawValue, path: path, bodySHA256: bodySHA256 ?? SHA256.hash(data: body))
        {
            request.headers.add(name: name, value: value)
        }
        if !body.isEmpty {
            request.headers.add(name: "Content-Type", value: method == .PUT ? "application/octet-stream" : "application/json")
            request.body = .bytes(body)
        }
        return request
    }

    private func send(_ method: HTTPMethod, _ path: String, body: Data = Data(), expecting: [HTTPResponseStatus]) async throws
        -> HTTPClientResponse
    {
        let response = try await httpClient.execute(try signedRequest(method, path, body: body), timeout: configuration.requestTimeout)
        guard expecting.contains(response.status) else { throw try await relayError(response) }
        return response
    }

    private func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) async throws -> T {
        let buffer = try await response.body.collect(upTo: 1 << 16)
        do { return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView)) } catch { throw FileError.relay(status: Int(response.status.code), code: "malformed_response") }
    }

    private func relayError(_ response: HTTPClientResponse) async throws -> FileError {
        let status = Int(response.status.code)
        let buffer = try? await response.body.collect(upTo: 1 << 16)
        if let buffer, let body = try? JSONDecoder().decode(ErrorBody.self, from: Data(buffer.readableBytesView)) {
            return .relay(status: status, code: body.code)
        }
        return .relay(status: status, code: "http_\(status)")
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}
