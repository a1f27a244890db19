public import Crypto
public import Foundation

/// The binary encoding of a manifest, versions 1 and 2 (docs/file-format.md §Manifest),
/// big-endian; the versions differ only in what the blob id hashes (``FileManifest/BlobIDKind``):
///
/// ```
/// "LLFM" | version u8 = 1 or 2 | log2(chunk size) u8 | plaintext size u64 | blob id [32] | key [32]
///        | name length u16 | name (UTF-8) | media type length u8 | media type (ASCII)
/// ```
///
/// Decoding is strict: unknown versions, out-of-range values, invalid names or media types and
/// trailing bytes are all ``FileError/malformedManifest`` (or ``FileError/unsupportedVersion``).
extension FileManifest {
    static let magic: [UInt8] = Array("LLFM".utf8)
    /// Version 1: the blob id is the SHA-256 of the whole ciphertext; version 2: the per-part address.
    static func version(of kind: BlobIDKind) -> UInt8 { kind == .sha256 ? 1 : 2 }

    public var encoded: Data {
        var data = Data(Self.magic)
        data.append(contentsOf: [Self.version(of: blobIDKind), chunkSizeLog2])
        withUnsafeBytes(of: UInt64(plaintextSize).bigEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Self.bytes(hex: blobID) ?? [])
        key.withUnsafeBytes { data.append(contentsOf: $0) }
        let nameBytes = Array(name.utf8)
        withUnsafeBytes(of: UInt16(nameBytes.count).bigEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: nameBytes)
        data.append(UInt8(mediaType.utf8.count))
        data.append(contentsOf: mediaType.utf8)
        return data
    }

    /// Decodes and validates an untrusted manifest.
    public init(decoding bytes: some Collection<UInt8>) throws {
        var reader = ByteReader(Array(bytes))
        guard try reader.take(4) == Self.magic else { throw FileError.malformedManifest }
        let kind: BlobIDKind
        switch try reader.take(1)[0] {
        case Self.version(of: .sha256): kind = .sha256
        case Self.version(of: .parts): kind = .parts
        default: throw FileError.unsupportedVersion
        }
        let chunkSizeLog2 = try reader.take(1)[0]
        let size = try reader.uint(8)
        guard size <= UInt64(Int64.max) else { throw FileError.malformedManifest }
        let blobID = try reader.take(32).map { String(format: "%02x", $0) }.joined()
        let key = SymmetricKey(data: try reader.take(32))
        let nameBytes = try reader.take(Int(try reader.uint(2)))
        guard let name = String(validating: nameBytes, as: UTF8.self) else { throw FileError.malformedManifest }
        let mediaBytes = try reader.take(Int(try reader.uint(1)))
        guard reader.isAtEnd, let mediaType = String(validating: mediaBytes, as: UTF8.self) else { throw FileError.malformedManifest }
        try self.init(name: name, mediaType: mediaType, plaintextSize: Int64(size), chunkSizeLog2: chunkSizeLog2, blobID: blobID, blobIDKind: kind, key: key)
    }

    static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}

/// A bounds-checked cursor over untrusted bytes.
struct ByteReader {
    private let bytes: [UInt8]
    private var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { position == bytes.count }

    mutating func take(_ count: Int) throws -> [UInt8] {
        guard count >= 0, bytes.count - position >= count else { throw FileError.malformedManifest }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    mutating func uint(_ width: Int) throws -> UInt64 {
        try take(width).reduce(0) { $0 << 8 | UInt64($1) }
    }
}
