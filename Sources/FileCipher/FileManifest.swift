public import Crypto
public import Foundation

/// What a file message carries (inside an MLS application message, so only the conversation's
/// members see it): enough to download, verify and decrypt one encrypted file.
///
/// Built by ``FileEncryptor``; received ones come only from ``init(decoding:)``, which checks
/// every field (see `FileManifest+Codec.swift` and docs/file-format.md §Manifest).
public struct FileManifest: Sendable {
    /// The name the sender gave the file: 1 to 255 UTF-8 bytes, no path separator, no control
    /// character, not `.` or `..`. A display name: receivers still choose where to save.
    public let name: String
    /// RFC 6838 `type/subtype`, without parameters.
    public let mediaType: String
    public let plaintextSize: Int64
    /// log2 of the plaintext chunk size (the header repeats it; they must agree).
    public let chunkSizeLog2: UInt8
    /// The relay's content address of the ciphertext, lowercase hex (``blobIDKind`` says how it
    /// was computed).
    public let blobID: String
    /// How ``blobID`` hashes the ciphertext: the per-part address (manifest version 2) or, in
    /// manifests of version 1, the SHA-256 of the whole ciphertext.
    public let blobIDKind: BlobIDKind

    /// The two content addresses a manifest's blob id can be (docs/file-format.md §Content address).
    public enum BlobIDKind: Sendable, Hashable {
        /// Version 1: SHA-256 of the whole ciphertext.
        case sha256
        /// Version 2: ``RelayAPI/BlobAddress``, a hash over the SHA-256 of each 4 MiB part.
        case parts
    }
    /// The random 32-byte per-file key.
    public let key: SymmetricKey

    public var chunkSize: Int { 1 << Int(chunkSizeLog2) }
    public var ciphertextSize: Int64 { FileFormat.ciphertextSize(plaintextSize: plaintextSize, chunkSize: chunkSize) }
    public var chunkCount: Int64 { FileFormat.chunkCount(plaintextSize: plaintextSize, chunkSize: chunkSize) }

    /// Checks every field; throws ``FileError/malformedManifest`` otherwise.
    public init(
        name: String, mediaType: String, plaintextSize: Int64, chunkSizeLog2: UInt8, blobID: String, blobIDKind: BlobIDKind = .parts,
        key: SymmetricKey
    ) throws {
        guard Self.isValidName(name), Self.isValidMediaType(mediaType), plaintextSize >= 0,
            FileFormat.chunkSizeLog2Range.contains(chunkSizeLog2), Self.isValidBlobID(blobID), key.bitCount == 256,
            plaintextSize <= Int64(FileFormat.maximumChunkCount - 1) << Int64(chunkSizeLog2)
        else { throw FileError.malformedManifest }
        self.name = name
        self.mediaType = mediaType
        self.plaintextSize = plaintextSize
        self.chunkSizeLog2 = chunkSizeLog2
        self.blobID = blobID
        self.blobIDKind = blobIDKind
        self.key = key
    }

    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (1...255).contains(bytes.count), name != ".", name != ".." else { return false }
        return name.unicodeScalars.allSatisfy { scalar in
            !(scalar.value < 0x20 || scalar.value == 0x7f || (0x80..<0xa0).contains(scalar.value) || scalar == "/" || scalar == "\\")
        }
    }

    /// RFC 6838 §4.2 `type-name "/" subtype-name`, each a restricted-name of 1 to 127 characters.
    static func isValidMediaType(_ mediaType: String) -> Bool {
        let parts = mediaType.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return parts.allSatisfy { part in
            guard (1...127).contains(part.count), let first = part.first, isAlphanumeric(first) else { return false }
            return part.allSatisfy { isAlphanumeric($0) || Array("!#$&-^_.+".utf8).contains($0) }
        }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    static func isValidBlobID(_ id: String) -> Bool {
        id.utf8.count == 64 && id.utf8.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0) }
    }
}

extension FileManifest: Equatable {
    /// Field by field.
    public static func == (lhs: FileManifest, rhs: FileManifest) -> Bool {
        // SymmetricKey's == compares in constant time.
        lhs.key == rhs.key && lhs.name == rhs.name && lhs.mediaType == rhs.mediaType && lhs.plaintextSize == rhs.plaintextSize
            && lhs.chunkSizeLog2 == rhs.chunkSizeLog2 && lhs.blobID == rhs.blobID
            && lhs.blobIDKind == rhs.blobIDKind
    }
}
