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

    /// Creates `url` for reading and writing, mode 0600, only if nothing is there: `O_EXCL`
    /// refuses an existing file and, with `O_NOFOLLOW`, any symbolic link, even a dangling one
    /// (review M7: a planted link must not redirect plaintext into a file of the attacker's choosing).
    package init(creatingExclusively url: URL) throws {
        descriptor = open(url.path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw FileError.io }
    }

    /// Opens an existing file for reading and writing only if it is one this user alone made: a
    /// regular file (`O_NOFOLLOW`: not a symbolic link), owned by the effective user, with one
    /// link and no group or other permission bits. Nil when there is no such file (absent, or
    /// failing a check: an attacker could read or have chosen its content, review M7).
    package init?(reopeningPrivate url: URL) {
        descriptor = open(url.path, O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_uid == geteuid(), info.st_nlink == 1,
            info.st_mode & 0o077 == 0
        else {
            close()
            return nil
        }
    }

    /// Truncates the file to `length` and moves the write position to its end.
    package func truncate(to length: Int64) throws {
        guard ftruncate(descriptor, off_t(length)) == 0, lseek(descriptor, off_t(length), SEEK_SET) == off_t(length) else {
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

    /// Makes the directory entry of a new or renamed file in `directory` durable (fsync of the
    /// directory itself; best effort where a file system refuses it).
    package static func synchronizeDirectory(_ directory: URL) {
        let handle = open(directory.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard handle >= 0 else { return }
        _ = fsync(handle)
        _ = systemClose(handle)
    }

    /// Gives `source` the name `destination` in one atomic step. Unless `replacing`, an existing
    /// `destination` (even a symbolic link) is left alone and ``FileError/destinationExists`` is
    /// thrown: `link(2)` never replaces, and the source name is removed only once the link
    /// stands. Where the file system has no hard links, a check then `rename(2)` is used.
    package static func move(_ source: URL, to destination: URL, replacing: Bool) throws {
        if replacing {
            guard rename(source.path, destination.path) == 0 else { throw FileError.io }
            return
        }
        if link(source.path, destination.path) == 0 {
            _ = unlink(source.path)
            return
        }
        switch errno {
        case EEXIST: throw FileError.destinationExists
        case EPERM, ENOTSUP, EOPNOTSUPP, EMLINK, ENOSYS:
            // No hard links here (FAT, some network file systems): not atomic, but never silent.
            var info = stat()
            guard lstat(destination.path, &info) != 0, errno == ENOENT else { throw FileError.destinationExists }
            guard rename(source.path, destination.path) == 0 else { throw FileError.io }
        default: throw FileError.io
        }
    }

    package func close() {
        if descriptor >= 0 { _ = systemClose(descriptor) }
        descriptor = -1
    }

    deinit { close() }
}
