public import Foundation
import RelayAPI

/// Sending and receiving whole files: hash the ciphertext, then upload it resumably while
/// sealing it again part by part (no encrypted copy on disk); download ranges into a streaming
/// decryptor that renames into place only after verification.
public struct FileTransfer: Sendable {
    public let blobs: BlobClient

    public init(blobs: BlobClient) {
        self.blobs = blobs
    }

    /// A file whose ciphertext is hashed and whose upload is open on the relay: keep it (the
    /// plaintext file must stay unchanged) to resume after a restart.
    public struct PendingUpload: Sendable {
        public let manifest: FileManifest
        /// The encrypted file's header (its salt): with the manifest's key it fixes every
        /// ciphertext byte, so the upload seals the plaintext again instead of keeping a copy.
        public let header: FileHeader
        /// The plaintext file.
        public let source: URL
        public let uploadID: String

        public init(manifest: FileManifest, header: FileHeader, source: URL, uploadID: String) {
            self.manifest = manifest
            self.header = header
            self.source = source
            self.uploadID = uploadID
        }
    }

    /// Encrypts `file` in memory to hash its ciphertext (the blob id) and opens an upload for it
    /// on the relay. Nothing is written to disk.
    public func prepare(
        _ file: URL, name: String? = nil, mediaType: String = "application/octet-stream",
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> PendingUpload {
        // Seconds of reading, sealing and hashing: on a thread of its own, not the cooperative pool's.
        let (manifest, header) = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async {
                continuation.resume(with: Result { try FileEncryptor.manifest(for: file, name: name, mediaType: mediaType, progress: progress) })
            }
        }
        let upload = try await blobs.beginUpload(size: manifest.ciphertextSize, sha256: manifest.blobID)
        return PendingUpload(manifest: manifest, header: header, source: file, uploadID: upload.uploadID)
    }

    /// Uploads (or resumes uploading) a prepared file, sealing each part again from the plaintext.
    ///
    /// - Throws: ``FileError/sizeMismatch`` if the file's size changed since ``prepare(_:name:mediaType:progress:)``;
    ///   a file whose content changed is refused by the relay when the upload completes
    ///   (`FileError.relay(status: 400, code: "blob_hash_mismatch")`, the upload discarded).
    @discardableResult
    public func upload(_ pending: PendingUpload, progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws -> FileManifest {
        let reader = try CiphertextReader(plaintext: pending.source, manifest: pending.manifest, header: pending.header)
        let stored = try await blobs.upload(pending.uploadID, from: reader, progress: progress)
        guard stored.blobID == pending.manifest.blobID, stored.size == pending.manifest.ciphertextSize else { throw FileError.sizeMismatch }
        return pending.manifest
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
