public import Crypto
public import Foundation

/// The content address of a blob, version 2 (docs/file-format.md §Content address): a hash over
/// the SHA-256 of each fixed-size part, so that one SHA-256 pass over the bytes serves both the
/// address and the signature of each upload request (whose body hash *is* the part's hash).
///
/// ```
/// part_i  = bytes [i·P, min((i+1)·P, size)) of the blob, P = 4 MiB    i = 0 … n-1, n = ⌈size / P⌉
/// address = SHA-256( "letterlock-blob-v2" || uint8 log2(P) = 22 || uint64 size
///                    || SHA-256(part_0) || … || SHA-256(part_{n-1}) )
/// ```
///
/// The domain string and the part size keep an address from ever equalling the plain SHA-256
/// of some blob (version 1 addresses) or an address computed with other parts; the size fixes
/// how many part hashes follow, so the input is unambiguous. Finding two blobs with one address
/// needs a SHA-256 collision (in the outer hash, or in a part's).
public struct BlobAddress: Sendable {
    /// Bytes per part: the last part of a blob may be shorter. Upload parts are exactly these.
    public static let partSizeLog2 = 22
    public static let partSize = 1 << partSizeLog2
    /// The value of ``BlobUploadRequest/addressing`` for this scheme.
    public static let addressing = "letterlock-blob-v2"
    static let domain = Array("letterlock-blob-v2".utf8)

    /// The number of parts of a blob of `size` bytes.
    public static func partCount(size: Int64) -> Int64 { (size + Int64(partSize) - 1) / Int64(partSize) }

    /// Bytes `[offset, end)` of part `index`.
    public static func partRange(_ index: Int64, size: Int64) -> Range<Int64> {
        let start = index * Int64(partSize)
        return start..<min(size, start + Int64(partSize))
    }

    /// Lowercase hex of a digest (how addresses travel in JSON and paths).
    public static func hex(_ digest: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for byte in digest {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Hashes a stream of part digests, in order, into the address.
    public struct PartsHasher: Sendable {
        private var outer = SHA256()
        public let size: Int64
        public private(set) var parts: Int64 = 0

        public init(size: Int64) {
            self.size = size
            outer.update(data: BlobAddress.domain)
            outer.update(data: [UInt8(BlobAddress.partSizeLog2)])
            withUnsafeBytes(of: UInt64(size).bigEndian) { outer.update(bufferPointer: $0) }
        }

        /// Adds the next part's SHA-256.
        public mutating func append(part digest: SHA256.Digest) {
            digest.withUnsafeBytes { outer.update(bufferPointer: $0) }
            parts += 1
        }

        /// The address; nil unless exactly ``BlobAddress/partCount(size:)`` parts were appended.
        public func finalize() -> SHA256.Digest? {
            guard parts == BlobAddress.partCount(size: size) else { return nil }
            return outer.finalize()
        }
    }

    /// Hashes a blob's bytes, fed in order in pieces of any size, into its address: each byte
    /// goes through SHA-256 once.
    public struct Hasher: Sendable {
        private var parts: PartsHasher
        private var part = SHA256()
        private var inPart = 0
        public private(set) var hashed: Int64 = 0

        /// - Parameter size: the blob's size, known before the first byte.
        public init(size: Int64) { parts = PartsHasher(size: size) }

        public mutating func update(bufferPointer bytes: UnsafeRawBufferPointer) {
            var rest = bytes[...]
            while !rest.isEmpty {
                let take = min(BlobAddress.partSize - inPart, rest.count)
                part.update(bufferPointer: UnsafeRawBufferPointer(rebasing: rest.prefix(take)))
                rest = rest.dropFirst(take)
                inPart += take
                hashed += Int64(take)
                if inPart == BlobAddress.partSize { endPart() }
            }
        }

        public mutating func update(data: some DataProtocol) {
            for region in data.regions { region.withUnsafeBytes { update(bufferPointer: $0) } }
        }

        /// Adds a whole part whose SHA-256 is already known (`digest` of `count` bytes), at a
        /// part boundary: how an uploader reuses the hash it signed.
        public mutating func append(part digest: SHA256.Digest, count: Int) {
            precondition(inPart == 0 && count > 0 && count <= BlobAddress.partSize, "a part starts at a part boundary")
            parts.append(part: digest)
            hashed += Int64(count)
        }

        private mutating func endPart() {
            parts.append(part: part.finalize())
            part = SHA256()
            inPart = 0
        }

        /// The address; nil unless exactly the declared size was fed.
        public func finalize() -> SHA256.Digest? {
            guard hashed == parts.size else { return nil }
            var parts = parts
            if inPart > 0 { parts.append(part: part.finalize()) }
            return parts.finalize()
        }
    }
}
