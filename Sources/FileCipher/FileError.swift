/// Why a file could not be encrypted, decrypted, transferred or parsed.
///
/// A struct wrapping a private code, so cases can be added without breaking callers; compare with
/// the static members (`error == .authenticationFailed`). Descriptions never carry file names,
/// keys or content.
public struct FileError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: Hashable, Sendable {
        case malformedHeader
        case unsupportedVersion
        case authenticationFailed
        case truncated
        case trailingData
        case sizeMismatch
        case malformedManifest
        case malformedLink
        case fileTooLarge
        case relay(status: Int, code: String)
        case io
        case blobMismatch
        case insecureLink
        case otherRelay
        case destinationExists
    }

    private let code: Code

    private init(_ code: Code) { self.code = code }

    /// The ciphertext does not start with a well-formed version-1 header.
    public static let malformedHeader = FileError(.malformedHeader)
    /// The header, manifest or link names a format version this build does not know.
    public static let unsupportedVersion = FileError(.unsupportedVersion)
    /// A chunk failed AEAD verification: wrong key, a flipped bit, a reordered, swapped, dropped
    /// or appended chunk, or a non-final chunk presented as the last one.
    public static let authenticationFailed = FileError(.authenticationFailed)
    /// The ciphertext ended before the size the manifest announced.
    public static let truncated = FileError(.truncated)
    /// Bytes followed the final chunk (or exceeded the announced size).
    public static let trailingData = FileError(.trailingData)
    /// The verified plaintext is not the size the manifest announced.
    public static let sizeMismatch = FileError(.sizeMismatch)
    /// A manifest failed strict decoding or its fields disagree.
    public static let malformedManifest = FileError(.malformedManifest)
    /// A public link is not a Letterlock file link.
    public static let malformedLink = FileError(.malformedLink)
    /// More chunks than the format allows (2^32), or larger than the relay accepts.
    public static let fileTooLarge = FileError(.fileTooLarge)
    /// Reading or writing a local file failed.
    public static let io = FileError(.io)
    /// The ciphertext's SHA-256 is not the blob id the manifest names: the bytes received are not
    /// the file the sender announced to everyone (a second ciphertext under the same key), or
    /// chunks kept from an earlier attempt were damaged on disk (review M5, M6).
    public static let blobMismatch = FileError(.blobMismatch)
    /// A public link over plain `http` to a host other than this machine.
    public static let insecureLink = FileError(.insecureLink)
    /// A public link names a relay other than this device's: fetching it there would tell that
    /// host who opens the link (client review M8).
    public static let otherRelay = FileError(.otherRelay)
    /// The destination already exists and replacing it was not asked for.
    public static let destinationExists = FileError(.destinationExists)

    /// The relay answered with an HTTP error and its stable error code (`quota_exceeded`, …).
    public static func relay(status: Int, code: String) -> FileError { FileError(.relay(status: status, code: code)) }

    /// The relay's error code, when this is a relay error.
    public var relayCode: String? {
        if case .relay(_, let code) = self.code { return code }
        return nil
    }

    /// The relay is below its disk high-water mark (`507 insufficient_storage`, docs/relay.md):
    /// it takes no new uploads or parts until an operator frees space. Not retried by
    /// `BlobClient` (space rarely comes back within a retry's seconds); an upload already open
    /// stays open on the relay, and resuming it later (`FileTransfer.upload(_:progress:)` with
    /// the same pending upload) continues from the relay's durable offset.
    public var isRelayLowOnDisk: Bool { relayCode == "insufficient_storage" }

    public var description: String {
        switch code {
        case .malformedHeader: "the encrypted file's header is malformed"
        case .unsupportedVersion: "unsupported encrypted file format version"
        case .authenticationFailed: "the encrypted file failed authentication (wrong key or tampered data)"
        case .truncated: "the encrypted file is truncated"
        case .trailingData: "the encrypted file has data after its final chunk"
        case .sizeMismatch: "the decrypted file is not the announced size"
        case .malformedManifest: "the file manifest is malformed"
        case .malformedLink: "not a Letterlock file link"
        case .fileTooLarge: "the file is too large"
        case .relay(let status, "insufficient_storage"):
            "the relay is low on disk space and accepts no new files for now (HTTP \(status), insufficient_storage); try again later"
        case .relay(let status, let code): "the relay refused the request (HTTP \(status), \(code))"
        case .io: "a local file could not be read or written"
        case .blobMismatch: "the downloaded file is not the file the message named (its hash differs from the blob id)"
        case .destinationExists: "the destination file already exists"
        case .insecureLink: "the link is not https (plain http is accepted only to this machine)"
        case .otherRelay: "the link names another relay than this device's"
        }
    }
}
