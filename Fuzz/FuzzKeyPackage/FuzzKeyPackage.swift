import MLS
import WireFormat

private let crypto = try? CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519)

/// libFuzzer entry point: decodes arbitrary bytes as a `KeyPackage` (RFC 9420 §10), checks the
/// encoding is canonical, then runs KeyPackage validation on it (suite 1, lifetimes ignored):
/// junk keys and signatures must be rejected with typed errors, never trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let keyPackage: KeyPackageIn
    do {
        keyPackage = try KeyPackageIn(wireBytes: bytes)
    } catch {
        _ = error.description
        return 0
    }
    if keyPackage.wireBytes != bytes { fatalError("re-encoding differs from the accepted input") }
    guard let crypto else { fatalError("suite 1 unavailable") }
    let validator = LeafNodeValidator(crypto: crypto, credentialValidator: LetterlockIdentityValidator(), lifetimePolicy: .ignore)
    do {
        _ = try keyPackage.validate(validator: validator, requirements: .none)
    } catch {
        _ = error.description
    }
    return 0
}
