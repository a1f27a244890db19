public import Foundation
internal import Crypto

/// MD5 and SHA-256 of the same bytes, computed in one pass (issue 4, item 4).
///
/// ```swift
/// let hashes = try ExactHashes(contentsOf: fileURL)   // streams the file
/// print(hashes.sha256.hex, hashes.md5.hex)
/// ```
public struct ExactHashes: Hashable, Sendable {
    public var md5: ExactDigest
    public var sha256: ExactDigest

    /// The digest for `algorithm`.
    public subscript(algorithm: ExactDigest.Algorithm) -> ExactDigest {
        switch algorithm {
        case .md5: md5
        case .sha256: sha256
        }
    }

    /// Hashes bytes already in memory (e.g. the file a decoder just read).
    public init(of bytes: some DataProtocol) {
        var hasher = ExactHasher()
        hasher.update(bytes)
        self = hasher.finalize()
    }

    /// Hashes a file, reading it in chunks of `chunkSize` bytes so that large files are not held in memory.
    ///
    /// - Throws: ``ExactHashError`` if the file cannot be opened or read.
    public init(contentsOf url: URL, chunkSize: Int = 1 << 20) throws(ExactHashError) {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw .cannotOpen
        }
        defer { try? handle.close() }
        var hasher = ExactHasher()
        while true {
            let chunk: Data?
            do {
                chunk = try handle.read(upToCount: max(1, chunkSize))
            } catch {
                throw .readFailed
            }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(chunk)
        }
        self = hasher.finalize()
    }

    init(md5: ExactDigest, sha256: ExactDigest) {
        self.md5 = md5
        self.sha256 = sha256
    }
}

/// Incremental MD5 + SHA-256: feed bytes as they arrive, then ``finalize()``.
public struct ExactHasher: Sendable {
    private var md5 = Insecure.MD5()
    private var sha256 = SHA256()

    public init() {}

    public mutating func update(_ bytes: some DataProtocol) {
        md5.update(data: bytes)
        sha256.update(data: bytes)
    }

    public func finalize() -> ExactHashes {
        ExactHashes(
            md5: ExactDigest(algorithm: .md5, bytes: Array(md5.finalize())),
            sha256: ExactDigest(algorithm: .sha256, bytes: Array(sha256.finalize()))
        )
    }
}

/// Why a file could not be hashed. The description never contains the path: callers add it where appropriate.
public struct ExactHashError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case cannotOpen
        case readFailed
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The file does not exist or cannot be opened for reading.
    public static let cannotOpen = ExactHashError(.cannotOpen)
    /// Reading failed part-way (I/O error).
    public static let readFailed = ExactHashError(.readFailed)

    public var description: String {
        switch code {
        case .cannotOpen: "cannot open the file for reading"
        case .readFailed: "reading the file failed"
        }
    }
}
