public import Crypto
public import Foundation
import RelayAPI

/// Hashes a ciphertext, fed in order, into the blob id a manifest names: the per-part content
/// address (``BlobAddress``, manifest version 2) or, for manifests of version 1, the SHA-256 of
/// the whole ciphertext. Either way each byte goes through SHA-256 once.
public struct BlobIDHasher: Sendable {
    private enum State: Sendable {
        case whole(SHA256, size: Int64, hashed: Int64)
        case parts(BlobAddress.Hasher)
    }

    private var state: State

    /// - Parameter size: the ciphertext's size (the address commits to it).
    public init(kind: FileManifest.BlobIDKind, size: Int64) {
        switch kind {
        case .sha256: state = .whole(SHA256(), size: size, hashed: 0)
        case .parts: state = .parts(BlobAddress.Hasher(size: size))
        }
    }

    public mutating func update(bufferPointer bytes: UnsafeRawBufferPointer) {
        switch state {
        case .whole(var hasher, let size, let hashed):
            hasher.update(bufferPointer: bytes)
            state = .whole(hasher, size: size, hashed: hashed + Int64(bytes.count))
        case .parts(var hasher):
            hasher.update(bufferPointer: bytes)
            state = .parts(hasher)
        }
    }

    public mutating func update(data: some DataProtocol) {
        for region in data.regions { region.withUnsafeBytes { update(bufferPointer: $0) } }
    }

    /// The blob id; nil unless exactly `size` bytes were fed.
    public func finalize() -> SHA256.Digest? {
        switch state {
        case .whole(let hasher, let size, let hashed): hashed == size ? hasher.finalize() : nil
        case .parts(let hasher): hasher.finalize()
        }
    }
}
