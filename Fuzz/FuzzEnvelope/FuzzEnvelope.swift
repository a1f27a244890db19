import Crypto
import Foundation
import LetterlockEnvelope

/// Feeds arbitrary bytes to every decoder of untrusted client input: the envelope framing
/// (`EnvelopeIn`), its three openings with fixed keys, the signed content (length, JSON,
/// signature), a request's first message (`FirstMessage` bounds), and the invite-link and
/// link-code parsers. Any outcome but a typed error or a
/// value is a bug.
private let token = Data(repeating: 7, count: 32)
private let agreementKey = try! Curve25519.KeyAgreement.PrivateKey(rawRepresentation: Data(repeating: 3, count: 32))
private let signingKey = Data(repeating: 5, count: 32)
private let device = String(repeating: "d", count: 32)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Data(bytes: data, count: size)
    if let envelope = try? EnvelopeIn(parsing: bytes) {
        for signed in [try? envelope.openSigned(), try? envelope.open(secret: token, recipientAccount: device),
            try? envelope.open(deviceID: device, agreementKey: agreementKey)] {
            guard let signed else { continue }
            // The claimed content (read before the signature check to find the signer), its
            // first message's bounds, then the signature.
            _ = try? signed.claimed.firstMessage?.validated()
            _ = try? signed.verified(with: signingKey)
        }
    }
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? InviteLink(parsing: text)
    _ = try? LinkCode(parsing: text)
    return 0
}
