import Crypto
import Foundation

/// Checks an Ed25519 public key before a client trusts a signature made under it.
///
/// swift-crypto (BoringSSL) verifies signatures under small-order public keys, and under such a
/// key the signature (identity point, zero scalar) verifies for many messages. The relay refuses
/// to register these keys (`Relay.DevicePublicKey`), but a client must not rely on the relay:
/// a key directory answer with one would let anyone forge that "device's" envelopes. Same list
/// as the relay's: the eight small-order points, with and without the sign bit, and the
/// non-canonical encodings of 0 and 1.
enum SigningKey {
    private static let smallOrder: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [0x01] + [UInt8](repeating: 0, count: 31),
        [
            0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
            0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
        ],
        [
            0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
            0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
        ],
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    /// The verifying key, or nil for anything but an acceptable 32-byte Ed25519 key.
    static func validated(_ raw: Data) -> Curve25519.Signing.PublicKey? {
        guard raw.count == 32 else { return nil }
        var bytes = [UInt8](raw)
        bytes[31] &= 0x7f
        if smallOrder.contains(bytes) { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}
