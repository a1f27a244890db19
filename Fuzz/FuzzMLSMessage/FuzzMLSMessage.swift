import MLS
import WireFormat

/// libFuzzer entry point: decodes arbitrary bytes as an `MLSMessage` (RFC 9420 §6). Accepted
/// input must re-encode to exactly the same bytes (the codec is canonical); a PrivateMessage's
/// ciphertext is also decoded as a PrivateMessageContent, the plaintext path after decryption.
/// Any failure must be a typed error; a trap or a mismatch is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let message: MLSMessage
    do {
        message = try MLSMessage(wireBytes: bytes)
    } catch {
        _ = error.description
        return 0
    }
    if message.wireBytes != bytes { fatalError("re-encoding differs from the accepted input") }
    if case .privateMessage(let privateMessage) = message.body,
        let content = try? PrivateMessageContent(decoding: privateMessage.ciphertext, contentType: privateMessage.contentType)
    {
        if content.encoded != privateMessage.ciphertext { fatalError("PrivateMessageContent re-encoding differs") }
    }
    return 0
}
