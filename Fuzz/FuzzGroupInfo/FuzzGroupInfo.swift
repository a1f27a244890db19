import MLS
import WireFormat

private let crypto = try? CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519)

/// libFuzzer entry point: decodes arbitrary bytes as a `GroupInfo` (RFC 9420 §12.4.3), checks
/// the encoding is canonical, decodes the extensions a joiner reads (`ratchet_tree`,
/// `external_pub`, and in the GroupContext `required_capabilities` and `external_senders`) and
/// verifies the signature with a junk key. Any failure must be a typed error.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let groupInfo: GroupInfo
    do {
        groupInfo = try GroupInfo(wireBytes: bytes)
    } catch {
        _ = error.description
        return 0
    }
    if groupInfo.wireBytes != bytes { fatalError("re-encoding differs from the accepted input") }
    if let data = groupInfo.extensions.first(ofType: .ratchetTree)?.extensionData, let tree = try? RatchetTreeIn(wireBytes: data) {
        if tree.wireBytes != data { fatalError("ratchet_tree re-encoding differs") }
    }
    if let data = groupInfo.extensions.first(ofType: .externalPub)?.extensionData { _ = try? ExternalPub(wireBytes: data) }
    let contextExtensions = groupInfo.groupContext.extensions
    if let data = contextExtensions.first(ofType: .requiredCapabilities)?.extensionData { _ = try? RequiredCapabilities(wireBytes: data) }
    if let data = contextExtensions.first(ofType: .externalSenders)?.extensionData {
        var reader = WireReader(data)
        _ = try? reader.readVector { (r: inout WireReader) throws(WireFormatError) -> ExternalSender in try r.read(ExternalSender.self) }
    }
    if let crypto { _ = groupInfo.verifySignature(signatureKey: Array(bytes.prefix(32)), crypto: crypto) }
    return 0
}
