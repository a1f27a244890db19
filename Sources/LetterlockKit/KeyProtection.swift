import Crypto
import _CryptoExtras
public import Foundation

/// How the device's secrets (private keys, the account's delivery token) are stored at rest.
///
/// Without a passphrase they are stored as they are, protected by the file mode (0600) only.
/// With one, scheme `scrypt-aes256gcm-v1`: a 256-bit key is derived with scrypt (RFC 7914) from
/// the passphrase's UTF-8 bytes and a random 16-byte salt, and the secrets are sealed with
/// AES-256-GCM, authenticating the scheme name and the parameters as associated data. A wrong
/// passphrase fails the GCM tag check and surfaces as ``LetterlockError/wrongPassphrase``; the
/// tag check is constant time (BoringSSL).
///
/// Parameters are stored beside the salt, so they can be raised later without breaking old
/// files; reading refuses unknown schemes and parameters outside sane bounds (a corrupted file
/// must not make the client allocate gigabytes).
public struct KeyProtection: Sendable, Hashable {
    public static let schemeName = "scrypt-aes256gcm-v1"

    public var salt: Data
    /// scrypt cost N = 2^logN.
    public var logN: Int
    public var blockSize: Int
    public var parallelism: Int

    /// Interactive defaults: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s here), the scrypt
    /// paper's and OWASP's interactive-login choice.
    public static func fresh(logN: Int = 15, blockSize: Int = 8, parallelism: Int = 1) -> KeyProtection {
        KeyProtection(salt: SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) }, logN: logN, blockSize: blockSize, parallelism: parallelism)
    }

    /// At most 256 MiB of scrypt work (128 · N · r · p bytes): the parameters are read from the
    /// state file before anything is authenticated, so they must not be able to make the client
    /// allocate gigabytes or run for minutes.
    static let maximumWorkBytes = 256 << 20

    /// True when the stored parameters are within what this version accepts.
    var isWithinBounds: Bool {
        guard salt.count == 16, (10...20).contains(logN), (1...32).contains(blockSize), (1...4).contains(parallelism) else { return false }
        return 128 * (1 << logN) * blockSize * parallelism <= Self.maximumWorkBytes
    }

    private var associatedData: Data {
        Data("\(Self.schemeName)|\(logN)|\(blockSize)|\(parallelism)".utf8) + salt
    }

    private func key(for passphrase: String) throws -> SymmetricKey {
        guard isWithinBounds else { throw LetterlockError.unsupportedStateVersion }
        return try KDF.Scrypt.deriveKey(
            from: Data(passphrase.utf8), salt: salt, outputByteCount: 32, rounds: 1 << logN, blockSize: blockSize,
            parallelism: parallelism, maxMemory: 128 * (1 << logN) * blockSize * parallelism + (1 << 20)
        )
    }

    /// The passphrase as it is keyed: Unicode NFC (review L4), so that "é" typed as one code
    /// point on one terminal and as "e" + U+0301 on another gives the same key.
    static func normalized(_ passphrase: String) -> String { passphrase.precomposedStringWithCanonicalMapping }

    /// Seals `secrets` under the passphrase (NFC).
    func seal(_ secrets: Data, passphrase: String) throws -> Data {
        try AES.GCM.seal(secrets, using: key(for: Self.normalized(passphrase)), authenticating: associatedData).combined ?? Data()
    }

    /// Opens sealed secrets; ``LetterlockError/wrongPassphrase`` when the tag does not verify.
    /// Tries the NFC form first, then the passphrase exactly as typed (secrets sealed before
    /// normalisation was introduced).
    func open(_ sealed: Data, passphrase: String) throws -> Data {
        let normalized = Self.normalized(passphrase)
        // Bytes, not `==`: Swift compares strings by canonical equivalence, so NFC and NFD are `==`.
        for candidate in normalized.utf8.elementsEqual(passphrase.utf8) ? [passphrase] : [normalized, passphrase] {
            let key = try key(for: candidate)
            if let opened = try? AES.GCM.open(AES.GCM.SealedBox(combined: sealed), using: key, authenticating: associatedData) {
                return opened
            }
        }
        throw LetterlockError.wrongPassphrase
    }
}
