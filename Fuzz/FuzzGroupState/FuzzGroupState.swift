import MLS
import WireFormat

let configuration = MLSGroup.Configuration(lifetimePolicy: .ignore, credentialValidator: AcceptAllCredentialsValidator())

/// libFuzzer entry point for the group state decoder, `MLSGroup(serialized:configuration:)`: the
/// state is read back from the client's disk, where it can be truncated or corrupted. Whatever
/// decodes must serialize again to bytes that restore to the same serialization, and must be
/// usable (encrypting a message exercises the restored secret tree and keys; a pending Commit
/// is merged and its epoch used too).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do {
        var group = try MLSGroup(serialized: bytes, configuration: configuration)
        let again = try group.serialized()
        let restored = try MLSGroup(serialized: again, configuration: configuration)
        if try restored.serialized() != again { fatalError("state serialization is not stable") }
        _ = try? group.encrypt([0x42])
        // A restored pending Commit must merge into a usable epoch.
        if group.hasPendingCommit {
            _ = try group.mergePendingCommit()
            _ = try group.serialized()
            _ = try? group.encrypt([0x43])
        }
    } catch {
        _ = error.description
    }
    return 0
}
