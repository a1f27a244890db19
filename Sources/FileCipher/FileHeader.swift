public import Crypto
public import Foundation

/// The 56-byte header of an encrypted file (``FileFormat``): version, chunk size, salt and the
/// key commitment.
public struct FileHeader: Hashable, Sendable {
    /// log2 of the plaintext chunk size, within ``FileFormat/chunkSizeLog2Range``.
    public let chunkSizeLog2: UInt8
    /// 16 random bytes, the HKDF salt that makes the chunk key unique to this encryption.
    public let salt: Data
    /// HKDF of the file key and salt: the one key this file opens under.
    public let commitment: Data

    public var chunkSize: Int { 1 << Int(chunkSizeLog2) }

    /// A fresh header for `fileKey` with a random salt.
    public init(fileKey: SymmetricKey, chunkSizeLog2: UInt8 = FileFormat.defaultChunkSizeLog2) throws {
        var generator = SystemRandomNumberGenerator()
        try self.init(fileKey: fileKey, chunkSizeLog2: chunkSizeLog2, salt: Data((0..<FileFormat.saltSize).map { _ in UInt8.random(in: 0...255, using: &generator) }))
    }

    /// A header with a given salt (known-answer tests; real files use a random one).
    public init(fileKey: SymmetricKey, chunkSizeLog2: UInt8, salt: Data) throws {
        guard FileFormat.chunkSizeLog2Range.contains(chunkSizeLog2), salt.count == FileFormat.saltSize else { throw FileError.malformedHeader }
        self.chunkSizeLog2 = chunkSizeLog2
        self.salt = salt
        self.commitment = FileFormat.commitment(fileKey: fileKey, salt: salt)
    }

    /// Whether this header commits to `fileKey` (constant time).
    public func commits(to fileKey: SymmetricKey) -> Bool {
        let expected = FileFormat.commitment(fileKey: fileKey, salt: salt)
        guard expected.count == commitment.count else { return false }
        return zip(expected, commitment).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    /// Parses exactly ``FileFormat/headerSize`` bytes; rejects anything else.
    public init(parsing bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        guard bytes.count == FileFormat.headerSize, Array(bytes[0..<4]) == FileFormat.magic else { throw FileError.malformedHeader }
        guard bytes[4] == FileFormat.version else { throw FileError.unsupportedVersion }
        guard FileFormat.chunkSizeLog2Range.contains(bytes[5]), bytes[6] == 0, bytes[7] == 0 else { throw FileError.malformedHeader }
        chunkSizeLog2 = bytes[5]
        salt = Data(bytes[8..<24])
        commitment = Data(bytes[24..<56])
    }

    /// The encoded header, also the associated data of every chunk.
    public var encoded: Data {
        var data = Data(FileFormat.magic)
        data.append(contentsOf: [FileFormat.version, chunkSizeLog2, 0, 0])
        data.append(salt)
        data.append(commitment)
        return data
    }
}
