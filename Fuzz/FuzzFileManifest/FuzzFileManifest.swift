import FileCipher

/// libFuzzer entry point: the manifest decoder and the public-link parser must return a value or
/// a typed error for any input, never crash; a decoded manifest must re-encode to the same bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let manifest = try? FileManifest(decoding: bytes) {
        precondition(Array(manifest.encoded) == bytes, "a decoded manifest re-encodes to its input")
        precondition(manifest.ciphertextSize >= manifest.plaintextSize)
    }
    if let text = String(validating: bytes, as: UTF8.self), let link = try? PublicLink(parsing: text) {
        precondition(link.manifest.blobID.utf8.count == 64)
    }
    return 0
}
