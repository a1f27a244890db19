public import Crypto
public import Foundation

/// Checks a device's Ed25519 public key before the relay trusts it to authenticate requests, and
/// before a client trusts a signature made under it (a client must not rely on the relay's check:
/// a key-directory answer with such a key would let anyone forge that device's envelopes).
///
/// Ed25519 verification as implemented by swift-crypto (BoringSSL) does not reject public keys of
/// small order: with such a key, a signature made of the identity point and a zero scalar
/// verifies for a large share of all messages (for the all-zero key, for every message). A device
/// registered with one could be impersonated by anyone. The relay therefore refuses the
/// small-order encodings (the eight points of order dividing 8, with and without the sign bit,
/// as listed by libsodium's `has_small_order` check) and anything that is not a 32-byte key.
public enum DevicePublicKey {
    /// The small-order points' y-coordinates, compared with the sign bit (top bit of byte 31) cleared.
    private static let smallOrder: [[UInt8]] = [
        // 0 (order 4)
        [UInt8](repeating: 0, count: 32),
        // 1 (order 1)
        [0x01] + [UInt8](repeating: 0, count: 31),
        // order 8
        [
            0x26, 0xe8, 0x95, 0x8f, 0xc2, 0xb2, 0x27, 0xb0, 0x45, 0xc3, 0xf4, 0x89, 0xf2, 0xef, 0x98, 0xf0,
            0xd5, 0xdf, 0xac, 0x05, 0xd3, 0xc6, 0x33, 0x39, 0xb1, 0x38, 0x02, 0x88, 0x6d, 0x53, 0xfc, 0x05,
        ],
        // order 8
        [
            0xc7, 0x17, 0x6a, 0x70, 0x3d, 0x4d, 0xd8, 0x4f, 0xba, 0x3c, 0x0b, 0x76, 0x0d, 0x10, 0x67, 0x0f,
            0x2a, 0x20, 0x53, 0xfa, 0x2c, 0x39, 0xcc, 0xc6, 0x4e, 0xc7, 0xfd, 0x77, 0x92, 0xac, 0x03, 0x7a,
        ],
        // p - 1 (order 2)
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        // p, a non-canonical 0 (order 4)
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        // p + 1, a non-canonical 1 (order 1)
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    /// The verifying key, or nil if `raw` is not an acceptable Ed25519 public key.
    public static func validated(_ raw: Data) -> Curve25519.Signing.PublicKey? {
        guard raw.count == 32 else { return nil }
        var bytes = [UInt8](raw)
        bytes[31] &= 0x7f
        if smallOrder.contains(bytes) { return nil }
        return try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
    }
}
