public import Crypto
public import Foundation

/// Secret bytes: key-schedule secrets, path secrets, ratchet secrets, exported keys.
///
/// Backed by swift-crypto's `SymmetricKey`, whose storage is zeroed when freed. A `Secret` never
/// prints its bytes (`description` shows only the length), and `==` compares in constant time.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key, for handing to swift-crypto (HKDF, HMAC, AEAD) without copying.
    public let symmetricKey: SymmetricKey

    /// A secret holding a copy of `bytes`.
    public init(bytes: some ContiguousBytes) {
        symmetricKey = SymmetricKey(data: bytes)
    }

    /// A secret backed by `key`.
    public init(_ key: SymmetricKey) {
        symmetricKey = key
    }

    /// `count` zero bytes: RFC 9420 uses an all-zero secret of length `KDF.Nh` as a default (§8).
    public init(zeros count: Int) {
        symmetricKey = SymmetricKey(data: [UInt8](repeating: 0, count: count))
    }

    /// The length in bytes.
    public var count: Int { symmetricKey.bitCount / 8 }

    /// Calls `body` with the secret's bytes; do not let them escape.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try symmetricKey.withUnsafeBytes(body)
    }

    /// A copy of the bytes, for encoding into a message or state (for example a path secret sent
    /// under HPKE). The copy is ordinary memory: prefer ``withUnsafeBytes(_:)`` where possible.
    public var exportedBytes: [UInt8] {
        symmetricKey.withUnsafeBytes { Array($0) }
    }

    public static func == (lhs: Secret, rhs: Secret) -> Bool {
        lhs.symmetricKey.withUnsafeBytes { a in rhs.symmetricKey.withUnsafeBytes { b in ConstantTime.equals(a, b) } }
    }

    public var description: String { "Secret(\(count) bytes)" }
    public var debugDescription: String { description }
}
