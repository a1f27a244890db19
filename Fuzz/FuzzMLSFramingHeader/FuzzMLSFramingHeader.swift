import RelayAPI

/// libFuzzer entry point: the relay's MLS framing header reader must return a header or a typed
/// error for any input, never crash or hang.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    do {
        let header = try MLSFramingHeader(parsing: bytes)
        if let group = header.group {
            precondition(!group.groupID.isEmpty && group.groupID.count <= MLSFramingHeader.maximumGroupIDLength)
            precondition(header.wireFormat == MLSFramingHeader.publicMessage || header.wireFormat == MLSFramingHeader.privateMessage)
        }
    } catch {
        _ = error.description
    }
    return 0
}
