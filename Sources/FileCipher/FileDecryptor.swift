public import Foundation

/// Decrypts a ``FileFormat`` stream fed in pieces of any size, in constant memory, into a hidden
/// partial file beside the destination; ``finish()`` renames it into place only after the final
/// chunk verified, so no unverified plaintext ever becomes the output.
///
/// Each chunk is written to the partial file only after its own tag verified, so a download
/// interrupted by the network can resume from the partial file's last whole chunk
/// (``resumeOffset``). Any verification failure deletes the partial file.
///
/// Not thread-safe: one stream, one owner.
public final class FileDecryptor {
    public let manifest: FileManifest
    public let destination: URL
    /// The hidden file holding verified chunks until the stream ends.
    public let partialURL: URL
    /// The first chunk this stream expects after the header (non-zero when resuming).
    public let startChunk: Int64
    private var headerBytes: [UInt8] = []
    private var opener: ChunkOpener?
    private var pending: [UInt8] = []
    private var output: LocalFile?
    private var outputBatch = Data()
    /// Ciphertext bytes received past the header, counted from `resumeOffset`.
    private var received: Int64 = 0
    private var written: Int64
    private var failed = false

    /// The ciphertext offset where body bytes must continue after the header: the caller feeds
    /// the 56 header bytes, then the ciphertext from this offset to the end.
    public var resumeOffset: Int64 { Int64(FileFormat.headerSize) + startChunk * Int64(manifest.chunkSize + FileFormat.tagSize) }

    /// Plaintext bytes already verified from an earlier attempt.
    public var resumedPlaintextBytes: Int64 { startChunk * Int64(manifest.chunkSize) }

    /// - Parameters:
    ///   - resume: keep the verified chunks of an earlier partial file for this destination and
    ///     blob (false starts over).
    public init(manifest: FileManifest, destination: URL, resume: Bool = true) throws {
        self.manifest = manifest
        self.destination = destination
        self.partialURL = destination.deletingLastPathComponent()
            .appendingPathComponent(".\(destination.lastPathComponent).\(manifest.blobID.prefix(16)).letterlock-part")
        var start: Int64 = 0
        if resume, let attributes = try? FileManager.default.attributesOfItem(atPath: partialURL.path),
            let size = (attributes[.size] as? NSNumber)?.int64Value
        {
            // Always fetch the final chunk again: only its verification ends the stream.
            start = min(size / Int64(manifest.chunkSize), manifest.chunkCount - 1)
        }
        self.startChunk = start
        self.written = start * Int64(manifest.chunkSize)
        self.output = try LocalFile(appendingTo: partialURL, truncatingTo: written)
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

    /// Verifies the final chunk and the announced size, makes the file durable and renames it to
    /// ``destination`` (replacing any file there). Throws, leaving no output, if anything fails.
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
            try output.synchronize()
            output.close()
            self.output = nil
            guard rename(partialURL.path, destination.path) == 0 else { throw FileError.io }
        } catch {
            discard()
            throw error
        }
    }

    /// Stops without output, keeping the verified chunks so a later stream can resume (after a
    /// network failure). After a verification failure the partial file is already gone.
    public func suspend() {
        try? flush()
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
        }
        guard !input.isEmpty, var opener else { return }
        defer { self.opener = opener }
        received += Int64(input.count)
        guard resumeOffset + received <= manifest.ciphertextSize else { throw FileError.trailingData }
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
    public static func decrypt(contentsOf input: URL, manifest: FileManifest, to destination: URL) throws {
        let decryptor = try FileDecryptor(manifest: manifest, destination: destination, resume: false)
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
    public func nextRange(limit: Int64) -> Range<Int64>? {
        let start = nextCiphertextOffset
        let end = headerBytes.count < FileFormat.headerSize && startChunk > 0 ? Int64(FileFormat.headerSize) : manifest.ciphertextSize
        guard start < end else { return nil }
        return start..<min(end, start + max(1, limit))
    }
}
