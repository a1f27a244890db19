import Crypto
public import Foundation
import RelayAPI

/// Signed content whose signature is not yet checked.
public struct SignedEnvelope: Sendable {
    let json: Data
    let signature: Data
    /// The content as claimed, to find out which key to verify with. Not to be acted on.
    public let claimed: EnvelopeContent

    init(parsing bytes: Data) throws {
        let b = [UInt8](bytes)
        guard b.count >= 4 + 64 else { throw LetterlockError.malformedEnvelope }
        let length = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
        guard length <= Envelope.maximumContentSize, b.count == 4 + length + 64 else { throw LetterlockError.malformedEnvelope }
        json = Data(b[4..<4 + length])
        signature = Data(b[(4 + length)...])
        do {
            claimed = try JSONDecoder().decode(EnvelopeContent.self, from: json)
        } catch {
            throw LetterlockError.malformedEnvelope
        }
    }

    /// The content, once `signingKey` (the claimed sender device's key) verifies the signature.
    public func verified(with signingKey: Data) throws -> EnvelopeContent {
        guard let key = DevicePublicKey.validated(signingKey),
            key.isValidSignature(signature, for: Envelope.signatureContext + json)
        else { throw LetterlockError.badEnvelopeSignature }
        return claimed
    }
}
