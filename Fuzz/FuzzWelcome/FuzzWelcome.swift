import MLS
import WireFormat

/// libFuzzer entry point for what a Welcome's recipient decodes (RFC 9420 §12.4.3.1): the first
/// byte picks the `Welcome` itself (0) or the `GroupSecrets` a sender who knows our init key
/// fully controls (1); the rest is decoded. Accepted input must re-encode identically.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size > 0 else { return 0 }
    let selector = data[0]
    let bytes = Array(UnsafeBufferPointer(start: data + 1, count: size - 1))
    do {
        if selector & 1 == 0 {
            let welcome = try Welcome(wireBytes: bytes)
            if welcome.wireBytes != bytes { fatalError("Welcome re-encoding differs") }
        } else {
            let secrets = try GroupSecrets(wireBytes: bytes)
            if secrets.wireBytes != bytes { fatalError("GroupSecrets re-encoding differs") }
        }
    } catch {
        _ = error.description
    }
    return 0
}
