public import Foundation
import RelayAPI

/// Sending and receiving whole files: encrypt to a staging file, upload it resumably; download
/// ranges into a streaming decryptor that renames into place only after verification.
public struct FileTransfer: Sendable {
    public let blobs: BlobClient
    /// Where encrypted copies wait while they upload (default: the system temporary directory).
    public let stagingDirectory: URL

    public init(blobs: BlobClient, stagingDirectory: URL = FileManager.default.temporaryDirectory) {
        self.blobs = blobs
        self.stagingDirectory = stagingDirectory
    }

    /// An encrypted file waiting to be uploaded: keep it (and ``uploadID``) to resume after a
    /// restart.
    public struct PendingUpload: Sendable {
        public let manifest: FileManifest
        public let ciphertext: URL
        public let uploadID: String
    }

    /// Encrypts `file` into the staging directory and opens an upload for it on the relay.
    public func prepare(
        _ file: URL, name: String? = nil, mediaType: String = "application/octet-stream",
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> PendingUpload {
        let ciphertext = stagingDirectory.appendingPathComponent("letterlock-upload-\(UUID().uuidString).llfs")
        do {
            let manifest = try FileEncryptor.encrypt(contentsOf: file, to: ciphertext, name: name, mediaType: mediaType, progress: progress)
            let upload = try await blobs.beginUpload(size: manifest.ciphertextSize, sha256: manifest.blobID)
            return PendingUpload(manifest: manifest, ciphertext: ciphertext, uploadID: upload.uploadID)
        } catch {
            try? FileManager.default.removeItem(at: ciphertext)
            throw error
        }
    }

    /// Uploads (or resumes uploading) a prepared file, then deletes the staging copy.
    @discardableResult
    public func upload(_ pending: PendingUpload, progress: (@Sendable (TransferProgress) -> Void)? = nil) async throws -> FileManifest {
        let stored = try await blobs.upload(pending.uploadID, from: pending.ciphertext, progress: progress)
        guard stored.blobID == pending.manifest.blobID, stored.size == pending.manifest.ciphertextSize else { throw FileError.sizeMismatch }
        try? FileManager.default.removeItem(at: pending.ciphertext)
        return pending.manifest
    }

    /// Encrypts and uploads `file`; the manifest goes into a file message (or a public link).
    public func send(
        _ file: URL, name: String? = nil, mediaType: String = "application/octet-stream",
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> FileManifest {
        let pending = try await prepare(file, name: name, mediaType: mediaType)
        do {
            return try await upload(pending, progress: progress)
        } catch {
            // Without a caller holding `pending`, nothing can resume: drop the staging copy.
            try? FileManager.default.removeItem(at: pending.ciphertext)
            throw error
        }
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
