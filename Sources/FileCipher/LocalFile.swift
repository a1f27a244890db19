package import Foundation
#if canImport(Glibc)
import Glibc
private let systemRead = Glibc.read
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
import Darwin
private let systemRead = Darwin.read
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif

/// A POSIX file descriptor with the few operations the streaming cipher needs; every failure is
/// ``FileError/io`` (the OS message could name a path, so it is not carried).
package final class LocalFile: @unchecked Sendable {
    private var descriptor: Int32

    package init(reading url: URL) throws {
        descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileError.io }
    }

    /// Creates (mode 0600) or truncates `url` for writing.
    package init(creating url: URL) throws {
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError.io }
    }

    /// Opens `url` for appending, creating it (mode 0600) if absent, and truncates it to `length`.
    package init(appendingTo url: URL, truncatingTo length: Int64) throws {
        descriptor = open(url.path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError.io }
        guard ftruncate(descriptor, off_t(length)) == 0, lseek(descriptor, off_t(length), SEEK_SET) == off_t(length) else {
            close()
            throw FileError.io
        }
    }

    /// The file's current size, from fstat.
    package var size: Int64? {
        var info = stat()
        return fstat(descriptor, &info) == 0 ? Int64(info.st_size) : nil
    }

    /// Reads up to `count` bytes, fewer only at end of file.
    package func read(_ count: Int) throws -> Data {
        var data = Data(count: count)
        var filled = 0
        try data.withUnsafeMutableBytes { buffer in
            while filled < count {
                let result = systemRead(descriptor, buffer.baseAddress! + filled, count - filled)
                if result < 0 {
                    if errno == EINTR { continue }
                    throw FileError.io
                }
                if result == 0 { break }
                filled += result
            }
        }
        if filled < count { data.count = filled }
        return data
    }

    /// Reads up to `count` bytes starting at `offset` (pread: the file position is untouched),
    /// fewer only at end of file.
    package func read(_ count: Int, at offset: Int64) throws -> Data {
        var data = Data(count: count)
        var filled = 0
        try data.withUnsafeMutableBytes { buffer in
            while filled < count {
                let result = pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
                if result < 0 {
                    if errno == EINTR { continue }
                    throw FileError.io
                }
                if result == 0 { break }
                filled += result
            }
        }
        if filled < count { data.count = filled }
        return data
    }

    package func write(_ data: some DataProtocol) throws {
        for region in data.regions {
            try region.withUnsafeBytes { buffer in
                var written = 0
                while written < buffer.count {
                    let result = systemWrite(descriptor, buffer.baseAddress! + written, buffer.count - written)
                    if result < 0 {
                        if errno == EINTR { continue }
                        throw FileError.io
                    }
                    written += result
                }
            }
        }
    }

    package func synchronize() throws {
        guard fsync(descriptor) == 0 else { throw FileError.io }
    }

    package func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
