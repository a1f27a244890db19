public import Crypto
public import FileCipher
public import Foundation
import RelayAPI

/// Sending and receiving whole files: upload resumably while sealing the file part by part and
/// hashing each part once (for its request signature and the blob id); download ranges into a
/// streaming decryptor that renames into place only after verification.
public struct FileTransfer: Sendable {
    public let blobs: BlobClient

    public init(blobs: BlobClient) {
        self.blobs = blobs
    }

    /// A file whose upload is open on the relay, with the key and header it is sealed under:
    /// keep it (the plaintext file must stay unchanged) to resume after a restart.
    public struct PendingUpload: Sendable {
        public let key: SymmetricKey
        /// The encrypted file's header (its salt): with the key it fixes every ciphertext byte,
        /// so a resumed upload seals the same bytes again.
        public let header: FileHeader
        /// The plaintext file and its size when the upload was opened.
        public let source: URL
        public let plaintextSize: Int64
        public let name: String
        public let mediaType: String
        public let uploadID: String

        public init(
            key: SymmetricKey, header: FileHeader, source: URL, plaintextSize: Int64, name: String, mediaType: String, uploadID: String
        ) {
            self.key = key
            self.header = header
            self.source = source
            self.plaintextSize = plaintextSize
            self.name = name
            self.mediaType = mediaType
            self.uploadID = uploadID
        }

        /// Bytes of the ciphertext.
        public var ciphertextSize: Int64 { FileFormat.ciphertextSize(plaintextSize: plaintextSize, chunkSize: header.chunkSize) }
    }

    /// Picks a fresh key and header for `file` and opens an upload of its ciphertext's size on
    /// the relay. Reads nothing but the file's size: the content is sealed and hashed once, as
    /// it is uploaded.
    public func prepare(
        _ file: URL, name: String? = nil, mediaType: String = "application/octet-stream",
        chunkSizeLog2: UInt8 = FileFormat.defaultChunkSizeLog2
    ) async throws -> PendingUpload {
        let key = SymmetricKey(size: .bits256)
        let header = try FileHeader(fileKey: key, chunkSizeLog2: chunkSizeLog2)
        let reader = try LocalFile(reading: file)
        let size = reader.size
        reader.close()
        guard let size else { throw FileError.io }
        let name = name ?? file.lastPathComponent
        // The manifest's checks (name, media type, size) before the relay sees anything.
        _ = try FileManifest(
            name: name, mediaType: mediaType, plaintextSize: size, chunkSizeLog2: chunkSizeLog2, blobID: String(repeating: "0", count: 64), key: key)
        let upload = try await blobs.beginUpload(size: FileFormat.ciphertextSize(plaintextSize: size, chunkSize: header.chunkSize))
        return PendingUpload(key: key, header: header, source: file, plaintextSize: size, name: name, mediaType: mediaType, uploadID: upload.uploadID)
    }

    /// Uploads (or resumes uploading) a prepared file, sealing each part from the plaintext and
    /// hashing it once; returns the manifest, whose blob id the relay checked against the parts
    /// it stored.
    ///
    /// - Throws: ``FileError/sizeMismatch`` if the file's size changed since ``prepare(_:name:mediaType:chunkSizeLog2:)``;
    ///   a file whose content changed between an interrupted upload and its resumption is
    ///   refused by the relay when the upload completes
    ///   (`FileError.relay(status: 400, code: "blob_hash_mismatch")`, the upload discarded).
    @discardableResult
    public func upload(_ pending: PendingUpload, progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws -> FileManifest {
        let reader = try CiphertextReader(plaintext: pending.source, key: pending.key, header: pending.header, plaintextSize: pending.plaintextSize)
        let stored = try await blobs.upload(pending.uploadID, from: reader, progress: progress)
        guard stored.size == pending.ciphertextSize else { throw FileError.sizeMismatch }
        return try FileManifest(
            name: pending.name, mediaType: pending.mediaType, plaintextSize: pending.plaintextSize, chunkSizeLog2: pending.header.chunkSizeLog2,
            blobID: stored.blobID, key: pending.key)
    }

    /// Encrypts and uploads `file`; the manifest goes into a file message (or a public link).
    public func send(
        _ file: URL, name: String? = nil, mediaType: String = "application/octet-stream",
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> FileManifest {
        try await upload(try await prepare(file, name: name, mediaType: mediaType), progress: progress)
    }

    /// Downloads the file of a public link, only from this device's own relay: a link naming
    /// another host is refused (``FileError/otherRelay``) rather than sending it this device's
    /// id and a signed request (client review M8).
    public func receive(
        _ link: PublicLink, to destination: URL, replacingExisting: Bool = false, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws {
        guard let linked = RequestSigning.authority(of: link.relay), linked == RequestSigning.authority(of: blobs.relay) else { throw FileError.otherRelay }
        try await receive(link.manifest, to: destination, replacingExisting: replacingExisting, progress: progress)
    }

    /// Downloads, verifies and decrypts the file of `manifest` to `destination`, resuming from
    /// the chunks an earlier interrupted call left (a hidden partial file beside it).
    /// `destination` appears only once the whole file verified against the blob id; an existing
    /// `destination` is refused (``FileError/destinationExists``) unless `replacingExisting`.
    /// When a resumed download fails the blob id check, the kept chunks may be what was damaged
    /// (review M6), so it starts over once from the first byte.
    public func receive(
        _ manifest: FileManifest, to destination: URL, resume: Bool = true, replacingExisting: Bool = false,
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws {
        let decryptor = try FileDecryptor(manifest: manifest, destination: destination, resume: resume, replacingExisting: replacingExisting)
        do {
            try await blobs.download(manifest, into: decryptor, progress: progress)
        } catch let error as FileError where error == .blobMismatch && decryptor.startChunk > 0 {
            try await receive(manifest, to: destination, resume: false, replacingExisting: replacingExisting, progress: progress)
        } catch {
            // A refusal by the cipher already deleted the partial file; anything else keeps it.
            decryptor.suspend()
            throw error
        }
    }
}
