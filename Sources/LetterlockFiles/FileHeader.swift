public import Foundation

/// The 24-byte header of an encrypted file (``FileFormat``): version, chunk size and salt.
public struct FileHeader: Hashable, Sendable {
    /// log2 of the plaintext chunk size, within ``FileFormat/chunkSizeLog2Range``.
    public let chunkSizeLog2: UInt8
    /// 16 random bytes, the HKDF salt that makes the chunk key unique to this encryption.
    public let salt: Data

    public var chunkSize: Int { 1 << Int(chunkSizeLog2) }

    /// A fresh header with a random salt.
    public init(chunkSizeLog2: UInt8 = FileFormat.defaultChunkSizeLog2) throws {
        guard FileFormat.chunkSizeLog2Range.contains(chunkSizeLog2) else { throw FileError.malformedHeader }
        var generator = SystemRandomNumberGenerator()
        self.chunkSizeLog2 = chunkSizeLog2
        self.salt = Data((0..<FileFormat.saltSize).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    /// A header with a given salt (known-answer tests; real files use a random one).
    public init(chunkSizeLog2: UInt8, salt: Data) throws {
        guard FileFormat.chunkSizeLog2Range.contains(chunkSizeLog2), salt.count == FileFormat.saltSize else { throw FileError.malformedHeader }
        self.chunkSizeLog2 = chunkSizeLog2
        self.salt = salt
    }

    /// Parses exactly ``FileFormat/headerSize`` bytes; rejects anything else.
    public init(parsing bytes: some Collection<UInt8>) throws {
        let bytes = Array(bytes)
        guard bytes.count == FileFormat.headerSize, Array(bytes[0..<4]) == FileFormat.magic else { throw FileError.malformedHeader }
        guard bytes[4] == FileFormat.version else { throw FileError.unsupportedVersion }
        guard FileFormat.chunkSizeLog2Range.contains(bytes[5]), bytes[6] == 0, bytes[7] == 0 else { throw FileError.malformedHeader }
        chunkSizeLog2 = bytes[5]
        salt = Data(bytes[8..<24])
    }

    /// The encoded header, also the associated data of every chunk.
    public var encoded: Data {
        var data = Data(FileFormat.magic)
        data.append(contentsOf: [FileFormat.version, chunkSizeLog2, 0, 0])
        data.append(salt)
        return data
    }
}
