import LetterlockKit

/// Feeds arbitrary bytes to the conversation-message envelope decoder (`ConversationMessageIn`),
/// which every decrypted MLS application message goes through. Any outcome but a typed error or
/// a value is a bug.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let message = try? ConversationMessageIn(bytes).validated() {
        _ = try? message.encoded()
    }
    return 0
}
