import Crypto
import Foundation
import FileCipher

/// libFuzzer entry point: the header decoder and the streaming decryptor must reject any
/// ciphertext they cannot authenticate with a typed error and leave no output, never crash.
///
/// The input is fed under a fixed key and a manifest whose size admits the input, in pieces
/// whose sizes come from the first byte, so chunk boundaries fall everywhere.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(UnsafeBufferPointer(start: data, count: size))
    _ = try? FileHeader(parsing: bytes.prefix(FileFormat.headerSize))
    guard let step = bytes.first.map({ Int($0) + 1 }) else { return 0 }
    let body = bytes.dropFirst()
    let chunkSize = 1 << 12
    let plaintextSize = FileFormat.plaintextSize(ciphertextSize: Int64(body.count), chunkSize: chunkSize) ?? 1
    guard
        let manifest = try? FileManifest(
            name: "fuzz", mediaType: "application/octet-stream", plaintextSize: plaintextSize, chunkSizeLog2: 12,
            blobID: String(repeating: "0", count: 64), key: fuzzKey)
    else { return 0 }
    let destination = fuzzDirectory.appendingPathComponent("out")
    guard let decryptor = try? FileDecryptor(manifest: manifest, destination: destination, resume: false) else { return 0 }
    do {
        var offset = body.startIndex
        while offset < body.endIndex {
            let end = min(body.endIndex, offset + step)
            try decryptor.append(body[offset..<end])
            offset = end
        }
        try decryptor.finish()
        // Only a correctly sealed stream (which random input is not, short of forging AES-GCM) gets here.
        try? FileManager.default.removeItem(at: destination)
    } catch {
        _ = String(describing: error)
        precondition(!FileManager.default.fileExists(atPath: destination.path), "no output after a rejection")
    }
    return 0
}

private let fuzzKey = SymmetricKey(data: [UInt8](repeating: 7, count: 32))
private let fuzzDirectory: URL = {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("fuzz-file-stream-\(getpid())")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}()
