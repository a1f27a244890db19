public import Crypto
public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decrypts a ``FileFormat`` stream fed in pieces of any size, in constant memory, into a hidden
/// partial file beside the destination; ``finish()`` renames it into place only after the final
/// chunk verified and the whole ciphertext hashed to the manifest's blob id, so no unverified
/// plaintext ever becomes the output.
///
/// The blob id check (review M5) is what makes "a reported file is the file everyone saw" true:
/// the key commitment stops a second *key*, but the sender, who holds the key, could seal a
/// second ciphertext under the same header; only its hash differs from the announced blob id.
///
/// Each chunk is written to the partial file only after its own tag verified, so a download
/// interrupted by the network can resume from the partial file's last whole chunk
/// (``resumeOffset``). The kept chunks are not trusted as they are (review M6: a power cut can
/// leave zeros, another process of the user can write there): once the header arrives they are
/// sealed again (sealing is deterministic for a key, salt and index) into the hash, so damaged
/// kept chunks fail the blob id check. The partial file is created with `O_EXCL|O_NOFOLLOW`,
/// mode 0600, and reused only when it is a regular file of this user's with one link and no
/// group or other access (review M7). Any verification failure deletes it.
///
/// Not thread-safe: one stream, one owner.
public final class FileDecryptor {
    public let manifest: FileManifest
    public let destination: URL
    /// The hidden file holding verified chunks until the stream ends.
    public let partialURL: URL
    /// The first chunk this stream expects after the header (non-zero when resuming).
    public let startChunk: Int64
    /// Whether ``finish()`` may replace an existing `destination`.
    public let replacingExisting: Bool
    private var headerBytes: [UInt8] = []
    private var opener: ChunkOpener?
    private var pending: [UInt8] = []
    private var output: LocalFile?
    private var outputBatch = Data()
    /// The blob id of the ciphertext from its first byte: the header, the kept chunks sealed
    /// again, then every byte received.
    private var hasher: BlobIDHasher
    /// Ciphertext bytes received past the header, counted from `resumeOffset`.
    private var received: Int64 = 0
    private var written: Int64
    private var failed = false

    /// The ciphertext offset where body bytes must continue after the header: the caller feeds
    /// the 56 header bytes, then the ciphertext from this offset to the end.
    public var resumeOffset: Int64 { Int64(FileFormat.headerSize) + startChunk * Int64(manifest.chunkSize + FileFormat.tagSize) }

    /// Plaintext bytes kept from an earlier attempt (checked again against the blob id).
    public var resumedPlaintextBytes: Int64 { startChunk * Int64(manifest.chunkSize) }

    /// - Parameters:
    ///   - resume: keep the chunks of an earlier partial file for this destination and blob
    ///     (false starts over).
    ///   - replacingExisting: let ``finish()`` replace a file already at `destination`; by
    ///     default an existing destination is refused (``FileError/destinationExists``), here
    ///     already and again at the rename.
    public init(manifest: FileManifest, destination: URL, resume: Bool = true, replacingExisting: Bool = false) throws {
        self.manifest = manifest
        self.destination = destination
        self.replacingExisting = replacingExisting
        self.partialURL = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(manifest.blobID.prefix(16)).letterlock-part")
        if !replacingExisting {
            var info = stat()
            guard lstat(destination.path, &info) != 0 else { throw FileError.destinationExists }
        }
        var start: Int64 = 0
        let file: LocalFile
        if resume, let kept = LocalFile(reopeningPrivate: partialURL) {
            // Always fetch the final chunk again: only its verification ends the stream.
            start = min((kept.size ?? 0) / Int64(manifest.chunkSize), manifest.chunkCount - 1)
            do { try kept.truncate(to: start * Int64(manifest.chunkSize)) } catch {
                kept.close()
                throw error
            }
            file = kept
        } else {
            // Anything else there (a file of another user, a symbolic link, a stale attempt) is
            // not ours to trust: remove the name (unlink never follows a link) and create afresh.
            _ = unlink(partialURL.path)
            file = try LocalFile(creatingExclusively: partialURL)
        }
        self.startChunk = start
        self.written = start * Int64(manifest.chunkSize)
        self.output = file
        self.hasher = BlobIDHasher(kind: manifest.blobIDKind, size: manifest.ciphertextSize)
        pending.reserveCapacity(manifest.chunkSize + FileFormat.tagSize)
        outputBatch.reserveCapacity(FileEncryptor.writeBatch + manifest.chunkSize)
    }

    deinit { output?.close() }

    /// Feeds the next ciphertext bytes: the header first, then the body from ``resumeOffset``.
    public func append(_ bytes: UnsafeRawBufferPointer) throws {
        guard !failed, output != nil else { throw FileError.io }
        do { try consume(bytes) } catch {
            discard()
            throw error
        }
    }

    public func append(_ data: some DataProtocol) throws {
        for region in data.regions { try region.withUnsafeBytes { try append($0) } }
    }

    /// Verifies the final chunk, the announced size and the blob id, makes the file durable and
    /// renames it to ``destination`` (replacing a file there only when ``replacingExisting``).
    /// Throws, leaving no output, if anything fails.
    public func finish() throws {
        guard !failed, let output else { throw FileError.io }
        do {
            guard var opener, headerBytes.count == FileFormat.headerSize else { throw FileError.truncated }
            guard resumeOffset + received == manifest.ciphertextSize else { throw FileError.truncated }
            try write(try opener.open(pending, isFinal: true))
            self.opener = opener
            pending.removeAll()
            try flush()
            guard written == manifest.plaintextSize else { throw FileError.sizeMismatch }
            // The digest type's == with bytes compares in constant time.
            guard let expected = FileManifest.bytes(hex: manifest.blobID), let actual = hasher.finalize(), actual == expected else {
                throw FileError.blobMismatch
            }
            try output.synchronize()
            output.close()
            self.output = nil
            try LocalFile.move(partialURL, to: destination, replacing: replacingExisting)
            LocalFile.synchronizeDirectory(destination.deletingLastPathComponent())
        } catch {
            discard()
            throw error
        }
    }

    /// Stops without output, keeping the verified chunks (flushed and fsynced) so a later stream
    /// can resume after a network failure. After a verification failure the partial file is
    /// already gone.
    public func suspend() {
        try? flush()
        try? output?.synchronize()
        output?.close()
        output = nil
    }

    /// Stops and deletes the partial file.
    public func discard() {
        failed = true
        output?.close()
        output = nil
        try? FileManager.default.removeItem(at: partialURL)
    }

    private func consume(_ bytes: UnsafeRawBufferPointer) throws {
        var input = bytes[...]
        if headerBytes.count < FileFormat.headerSize {
            let take = min(FileFormat.headerSize - headerBytes.count, input.count)
            headerBytes.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
            guard headerBytes.count == FileFormat.headerSize else { return }
            let header = try FileHeader(parsing: headerBytes)
            guard header.chunkSizeLog2 == manifest.chunkSizeLog2 else { throw FileError.malformedHeader }
            opener = try ChunkOpener(fileKey: manifest.key, header: header, startIndex: UInt64(startChunk))
            hasher.update(data: headerBytes)
            try hashKeptChunks(header: header)
        }
        guard !input.isEmpty, var opener else { return }
        defer { self.opener = opener }
        received += Int64(input.count)
        guard resumeOffset + received <= manifest.ciphertextSize else { throw FileError.trailingData }
        hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: input))
        let sealedSize = manifest.chunkSize + FileFormat.tagSize
        while !input.isEmpty {
            if pending.count == sealedSize {
                // More bytes follow, so the pending chunk is not the last one.
                try write(try opener.open(pending, isFinal: false))
                pending.removeAll(keepingCapacity: true)
            }
            if pending.isEmpty && input.count > sealedSize {
                // Open straight from the input, without copying.
                try write(try opener.open(UnsafeRawBufferPointer(rebasing: input.prefix(sealedSize)), isFinal: false))
                input = input.dropFirst(sealedSize)
                continue
            }
            let take = min(sealedSize - pending.count, input.count)
            pending.append(contentsOf: input.prefix(take))
            input = input.dropFirst(take)
        }
    }

    /// Seals the kept plaintext chunks again, exactly as the sender did, into the hash: the kept
    /// chunks then count only if they are still the bytes that verified (review M6).
    private func hashKeptChunks(header: FileHeader) throws {
        guard startChunk > 0, let output else { return }
        var sealer = ChunkSealer(fileKey: manifest.key, header: header)
        var sealed = Data(capacity: manifest.chunkSize + FileFormat.tagSize)
        for index in 0..<startChunk {
            let plaintext = try output.read(manifest.chunkSize, at: index * Int64(manifest.chunkSize))
            guard plaintext.count == manifest.chunkSize else { throw FileError.blobMismatch }
            sealed.removeAll(keepingCapacity: true)
            try sealer.seal(plaintext, isFinal: false, into: &sealed)
            hasher.update(data: sealed)
        }
    }

    private func write(_ plaintext: Data) throws {
        outputBatch.append(plaintext)
        written += Int64(plaintext.count)
        if outputBatch.count >= FileEncryptor.writeBatch { try flush() }
    }

    private func flush() throws {
        guard !outputBatch.isEmpty else { return }
        try output?.write(outputBatch)
        outputBatch.removeAll(keepingCapacity: true)
    }
}

extension FileDecryptor {
    /// Decrypts a local encrypted file (e.g. one already downloaded) to `destination`.
    public static func decrypt(contentsOf input: URL, manifest: FileManifest, to destination: URL, replacingExisting: Bool = false) throws {
        let decryptor = try FileDecryptor(manifest: manifest, destination: destination, resume: false, replacingExisting: replacingExisting)
        let reader = try LocalFile(reading: input)
        defer { reader.close() }
        do {
            while true {
                let block = try reader.read(FileEncryptor.writeBatch)
                if block.isEmpty { break }
                try decryptor.append(block)
            }
            try decryptor.finish()
        } catch {
            decryptor.discard()
            throw error
        }
    }
}

extension FileDecryptor {
    /// Where the next ciphertext byte this stream needs sits in the whole file.
    public var nextCiphertextOffset: Int64 {
        headerBytes.count < FileFormat.headerSize ? Int64(headerBytes.count) : resumeOffset + received
    }

    /// The next byte range to fetch (at most `limit` bytes, never across the jump from the header
    /// to ``resumeOffset``), or nil when every byte has been fed.
    public func nextRange(limit: Int64) -> Range<Int64>? { range(from: nextCiphertextOffset, limit: limit) }

    /// The range to fetch once the bytes before `offset` are fed (or already requested, to fetch
    /// ahead): from `offset`, or from ``resumeOffset`` when `offset` is the header's end; at most
    /// `limit` bytes, never across that jump; nil at the end. ``nextRange(limit:)`` is this at
    /// ``nextCiphertextOffset``.
    public func range(from offset: Int64, limit: Int64) -> Range<Int64>? {
        let headerEnd = Int64(FileFormat.headerSize)
        let start = offset == headerEnd ? resumeOffset : offset
        let end = start < headerEnd && startChunk > 0 ? headerEnd : manifest.ciphertextSize
        guard start < end else { return nil }
        return start..<min(end, start + max(1, limit))
    }
}
