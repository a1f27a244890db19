public import Crypto
public import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blob bytes as files: `DIR/blobs/<sha256>` and `DIR/uploads/<upload id>`. Erasing overwrites a
/// file with zeros before unlinking it, so that the ciphertext does not linger in the file's
/// blocks on filesystems that write in place.
public struct FileBlobContentStore: BlobContentStore {
    let blobs: URL
    let uploads: URL

    public init(directory: URL) throws {
        blobs = directory.appendingPathComponent("blobs", isDirectory: true)
        uploads = directory.appendingPathComponent("uploads", isDirectory: true)
        try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: uploads, withIntermediateDirectories: true)
    }

    public func write(upload: String, at offset: Int64, _ bytes: Data) async throws {
        let path = try uploads.appendingPathComponent(Self.checked(upload)).path
        try await Self.blocking {
            // Whole aligned parts bypass the page cache (O_DIRECT): the kernel's copy of each
            // byte into the page cache cost more CPU than the part's SHA-256 (perf of the files
            // bench), and an upload is not read again until it is downloaded. Anything the
            // filesystem refuses that way is written through the cache.
            if let direct = Self.directWriteFlag, !bytes.isEmpty, bytes.count % Self.directAlignment == 0,
                offset % Int64(Self.directAlignment) == 0, try Self.writeDirect(path, at: offset, bytes, flag: direct)
            {
                return
            }
            // O_CREAT without O_TRUNC: parts of one upload are written concurrently.
            let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            defer { _ = close(descriptor) }
            try bytes.withUnsafeBytes { buffer in
                guard try Self.writeFully(descriptor, UnsafeRawBufferPointer(buffer), at: offset) else { throw CocoaError(.fileWriteUnknown) }
            }
        }
    }

    /// Alignment of O_DIRECT buffers, offsets and sizes (the largest logical block size in use).
    static let directAlignment = 4096

    /// Linux's O_DIRECT (not exported by the Glibc module); nil elsewhere.
    static let directWriteFlag: Int32? = {
        #if os(Linux) && arch(x86_64)
            return 0o40000
        #elseif os(Linux) && arch(arm64)
            return 0o200000
        #else
            return nil
        #endif
    }()

    /// Writes `bytes` with O_DIRECT through an aligned 1 MiB staging buffer (a bounded extra
    /// copy per write, in user space, far cheaper than the page cache's); false (the buffered
    /// write follows and rewrites the same range) when the filesystem refuses it.
    private static func writeDirect(_ path: String, at offset: Int64, _ bytes: Data, flag: Int32) throws -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flag, 0o600)
        guard descriptor >= 0 else { return false }
        defer { _ = close(descriptor) }
        let staging = UnsafeMutableRawBufferPointer.allocate(byteCount: min(bytes.count, 1 << 20), alignment: directAlignment)
        defer { staging.deallocate() }
        var done = 0
        while done < bytes.count {
            let count = min(staging.count, bytes.count - done)
            let start = bytes.startIndex + done
            bytes.copyBytes(to: staging.bindMemory(to: UInt8.self), from: start..<(start + count))
            guard try writeFully(descriptor, UnsafeRawBufferPointer(rebasing: staging[..<count]), at: offset + Int64(done), refusedIsFalse: true)
            else { return false }
            done += count
        }
        return true
    }

    /// pwrite until done; retries EINTR. With `refusedIsFalse`, EINVAL (O_DIRECT refused) is false.
    private static func writeFully(_ descriptor: Int32, _ buffer: UnsafeRawBufferPointer, at offset: Int64, refusedIsFalse: Bool = false) throws
        -> Bool
    {
        var done = 0
        while done < buffer.count {
            let result = pwrite(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if result < 0 {
                if errno == EINTR { continue }
                if refusedIsFalse && errno == EINVAL { return false }
                throw CocoaError(.fileWriteUnknown)
            }
            done += result
        }
        return true
    }

    public func synchronize(upload: String) async throws {
        let path = try uploads.appendingPathComponent(Self.checked(upload)).path
        try await Self.blocking {
            let descriptor = open(path, O_WRONLY | O_CLOEXEC)
            guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown) }
            defer { _ = close(descriptor) }
            guard fsync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    /// Where writes, fsyncs and whole-file hashes run: blocking system calls (an fsync takes
    /// milliseconds to seconds) would otherwise hold one of the few threads of Swift's
    /// cooperative pool, stalling every other request of the relay meanwhile.
    private static let io = DispatchQueue(label: "letterlock.relay.blob-io", attributes: .concurrent)

    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            io.async { continuation.resume(with: Result { try work() }) }
        }
    }

    public func partDigests(upload: String, partSize: Int) async throws -> (digests: [SHA256.Digest], size: Int64) {
        guard partSize > 0 else { throw RelayStorageError.invalidValue }
        let url = try uploads.appendingPathComponent(Self.checked(upload))
        return try await Self.blocking {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var digests: [SHA256.Digest] = []
            var size: Int64 = 0
            while let part = try handle.read(upToCount: partSize), !part.isEmpty {
                digests.append(SHA256.hash(data: part))
                size += Int64(part.count)
                if part.count < partSize { break }
            }
            return (digests, size)
        }
    }

    public func promote(upload: String, to blob: String) async throws {
        let source = try uploads.appendingPathComponent(Self.checked(upload))
        let target = try blobs.appendingPathComponent(Self.checked(blob))
        if FileManager.default.fileExists(atPath: target.path) {
            try await erase(upload: upload)
        } else {
            try FileManager.default.moveItem(at: source, to: target)
            // The rename is durable only once the directory is: without this, a blob whose
            // completion was answered 201 could vanish on a power cut.
            try Self.synchronize(directory: blobs)
        }
    }

    /// Flushes a directory's entries to disk (POSIX `fsync` on the directory).
    private static func synchronize(directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY)
        guard descriptor >= 0 else { throw CocoaError(.fileReadUnknown) }
        defer { _ = close(descriptor) }
        guard fsync(descriptor) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    public func read(blob: String, range: Range<Int64>) async throws -> Data? {
        let url = try blobs.appendingPathComponent(Self.checked(blob))
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(range.lowerBound))
        return try handle.read(upToCount: Int(range.count)) ?? Data()
    }

    public func stream(blob: String, range: Range<Int64>, chunkSize: Int, to consume: (Data) async throws -> Void) async throws -> Bool {
        guard chunkSize > 0 else { throw RelayStorageError.invalidValue }
        // Opened once: the bytes come from one file even if the blob is erased meanwhile.
        guard let handle = try? FileHandle(forReadingFrom: blobs.appendingPathComponent(Self.checked(blob))) else { return false }
        defer { try? handle.close() }
        try handle.seek(toOffset: UInt64(range.lowerBound))
        var remaining = range.upperBound - range.lowerBound
        while remaining > 0 {
            guard let chunk = try handle.read(upToCount: Int(min(Int64(chunkSize), remaining))), !chunk.isEmpty else {
                throw RelayStorageError.invalidValue  // the file is shorter than its record says
            }
            remaining -= Int64(chunk.count)
            try await consume(chunk)
        }
        return true
    }

    public func size(blob: String) async throws -> Int64? {
        let url = try blobs.appendingPathComponent(Self.checked(blob))
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path) else { return nil }
        return (attributes[.size] as? NSNumber)?.int64Value
    }

    public func erase(blob: String) async throws { try Self.erase(blobs.appendingPathComponent(Self.checked(blob))) }
    public func erase(upload: String) async throws { try Self.erase(uploads.appendingPathComponent(Self.checked(upload))) }

    public func storedIDs(modifiedBefore date: Date) async throws -> (blobs: [String], uploads: [String]) {
        func list(_ directory: URL) throws -> [String] {
            try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.contentModificationDateKey])
                .filter { ((try? $0.resourceValues(forKeys: [.contentModificationDateKey]).contentModificationDate) ?? .distantFuture) < date }
                .map(\.lastPathComponent).filter(Self.isID).sorted()
        }
        return (try list(blobs), try list(uploads))
    }

    private static func erase(_ url: URL) throws {
        guard let handle = try? FileHandle(forUpdating: url) else { return }
        let size = try handle.seekToEnd()
        try handle.seek(toOffset: 0)
        var remaining = size
        let zeros = Data(count: 1 << 16)
        while remaining > 0 {
            let count = Int(min(remaining, UInt64(zeros.count)))
            try handle.write(contentsOf: zeros.prefix(count))
            remaining -= UInt64(count)
        }
        try handle.synchronize()
        try handle.close()
        try FileManager.default.removeItem(at: url)
    }

    /// True for a blob id (64 lowercase hex characters) or an upload id (32).
    public static func isID(_ id: String) -> Bool {
        (id.utf8.count == 32 || id.utf8.count == 64) && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    private static func checked(_ id: String) throws -> String {
        guard isID(id) else { throw RelayStorageError.invalidValue }
        return id
    }
}
