public import Crypto
public import Foundation

/// The Letterlock encrypted file format, version 1 (`docs/file-format.md`).
///
/// ```
/// file   = header || chunk_0 || … || chunk_{n-1}          (n ≥ 1)
/// header = "LLFS" || 0x01 (version) || log2(chunk size) || 0x00 0x00 || salt (16 random bytes) || commitment (32)
/// chunk_i = AES-256-GCM(K, nonce_i, plaintext_i, aad = header)   (ciphertext || 16-byte tag)
/// K       = HKDF-SHA256(ikm = file key, salt = salt, info = "letterlock-file-v1 chunk key", 32)
/// commitment = HKDF-SHA256(ikm = file key, salt = salt, info = "letterlock-file-v1 key commitment", 32)
/// nonce_i = 0x00 0x00 0x00 || uint64_be(i) || (0x01 if i = n-1 else 0x00)
/// ```
///
/// Every chunk but the last holds exactly `chunkSize` plaintext bytes; the last holds 1 to
/// `chunkSize` (0 only when the file is empty and it is the only chunk). This is the STREAM
/// construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption and its
/// Nonce-Reuse Misuse-Resistance", CRYPTO 2015, §7): the counter stops reordering, the final
/// flag stops truncation and extension, and the per-file key (bound to the header by HKDF and
/// the associated data) stops chunks moving between files. The commitment makes the ciphertext
/// open under one key only (AES-GCM alone does not: "invisible salamanders", Dodis, Grubbs,
/// Ristenpart and Woodage, CRYPTO 2018), so a reported file is the file everyone saw.
public enum FileFormat {
    public static let magic: [UInt8] = Array("LLFS".utf8)
    public static let version: UInt8 = 1
    public static let headerSize = 56
    public static let saltSize = 16
    public static let keySize = 32
    public static let commitmentSize = 32
    public static let tagSize = 16
    /// 64 KiB, as age uses: 0.02 % tag overhead, two chunks of memory per stream, and a
    /// verification unit small enough for range reads; see docs/file-format.md.
    public static let defaultChunkSizeLog2: UInt8 = 16
    /// Chunk sizes a reader accepts: 4 KiB to 4 MiB.
    public static let chunkSizeLog2Range: ClosedRange<UInt8> = 12...22
    /// At most 2^32 chunks per file, far below AES-GCM's limits for one key.
    public static let maximumChunkCount: UInt64 = 1 << 32
    static let keyInfo = Data("letterlock-file-v1 chunk key".utf8)
    static let commitmentInfo = Data("letterlock-file-v1 key commitment".utf8)

    /// Chunks holding `plaintextSize` bytes: at least one (the empty file is one empty final chunk).
    public static func chunkCount(plaintextSize: Int64, chunkSize: Int) -> Int64 {
        plaintextSize == 0 ? 1 : (plaintextSize + Int64(chunkSize) - 1) / Int64(chunkSize)
    }

    /// Bytes of the encrypted file for a plaintext of `plaintextSize`.
    public static func ciphertextSize(plaintextSize: Int64, chunkSize: Int) -> Int64 {
        Int64(headerSize) + plaintextSize + chunkCount(plaintextSize: plaintextSize, chunkSize: chunkSize) * Int64(tagSize)
    }

    /// The inverse of ``ciphertextSize(plaintextSize:chunkSize:)``, nil when no plaintext size maps to `ciphertextSize`.
    public static func plaintextSize(ciphertextSize: Int64, chunkSize: Int) -> Int64? {
        let body = ciphertextSize - Int64(headerSize)
        guard body >= Int64(tagSize) else { return nil }
        let sealed = Int64(chunkSize + tagSize)
        let full = body / sealed
        let rest = body % sealed
        let size: Int64
        if rest == 0 {
            size = full * Int64(chunkSize)
        } else {
            guard rest > Int64(tagSize) || (full == 0 && rest == Int64(tagSize)) else { return nil }
            size = full * Int64(chunkSize) + rest - Int64(tagSize)
        }
        return Self.ciphertextSize(plaintextSize: size, chunkSize: chunkSize) == ciphertextSize ? size : nil
    }

    /// The nonce of chunk `index`: STREAM's `0³ || counter || final`.
    static func nonce(index: UInt64, isFinal: Bool) -> AES.GCM.Nonce {
        var bytes = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: index.bigEndian) { bytes.replaceSubrange(3..<11, with: $0) }
        bytes[11] = isFinal ? 1 : 0
        // 12 bytes is always a valid GCM nonce.
        return try! AES.GCM.Nonce(data: bytes)
    }

    /// The header's key commitment: binds the ciphertext to one file key.
    static func commitment(fileKey: SymmetricKey, salt: some DataProtocol) -> Data {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: salt, info: commitmentInfo, outputByteCount: commitmentSize)
            .withUnsafeBytes { Data($0) }
    }

    /// The per-file chunk key.
    static func chunkKey(fileKey: SymmetricKey, salt: some DataProtocol) -> SymmetricKey {
        HKDF<SHA256>.deriveKey(inputKeyMaterial: fileKey, salt: salt, info: keyInfo, outputByteCount: 32)
    }
}
