import MLS
import Testing

/// DeriveKeyPair known answers beyond the hpke-pq vector file (which has no P-521 case).
@Suite struct DeriveKeyPairTests {
    /// RFC 9180 Appendix A.6.1: DHKEM(P-521, HKDF-SHA512), base mode.
    @Test func p521MatchesRFC9180() throws {
        let ikmR = TestHex.bytes(
            """
            2ad954bbe39b7122529f7dde780bff626cd97f850d0784a432784e69d86ecc
            aade43b6c10a8ffdb94bf943c6da479db137914ec835a7e715e36e45e29b587bab3b
            f1
            """)
        let skRm = TestHex.bytes(
            """
            01462680369ae375e4b3791070a7458ed527842f6a98a79ff5e0d4cbde83c2
            7196a3916956655523a6a2556a7af62c5cadabe2ef9da3760bb21e005202f7b24628
            47
            """)
        let pkRm = TestHex.bytes(
            """
            0401b45498c1714e2dce167d3caf162e45e0642afc7ed435df7902ccae0e84
            ba0f7d373f646b7738bbbdca11ed91bdeae3cdcba3301f2457be452f271fa6837580
            e661012af49583a62e48d44bed350c7118c0d8dc861c238c72a2bda17f64704f464b
            57338e7f40b60959480c0e58e6559b190d81663ed816e523b6b6a418f66d2451ec64
            """)
        let enc = TestHex.bytes(
            """
            040138b385ca16bb0d5fa0c0665fbbd7e69e3ee29f63991d3e9b5fa740aab89
            00aaeed46ed73a49055758425a0ce36507c54b29cc5b85a5cee6bae0cf1c21f2731e
            ce2013dc3fb7c8d21654bb161b463962ca19e8c654ff24c94dd2898de12051f1ed06
            92237fb02b2f8d1dc1c73e9b366b529eb436e98a996ee522aef863dd5739d2f29b0
            """)
        let sharedSecret = TestHex.bytes(
            """
            776ab421302f6eff7d7cb5cb1adaea0cd50872c71c2d63c30c4f1
            d5e43653336fef33b103c67e7a98add2d3b66e2fda95b5b2a667aa9dac7e59cc1d46
            d30e818
            """)
        let key = try HPKEKEM.dhkemP521.deriveKeyPair(ikm: ikmR)
        #expect(key.serialized == Secret(bytes: skRm))
        #expect(key.publicKey == pkRm)
        #expect(try HPKEKEM.dhkemP521.decapsulate(enc: enc, privateKey: key) == Secret(bytes: sharedSecret))
    }

    @Test(arguments: [HPKEKEM.dhkemX25519, .dhkemP256, .dhkemP384, .dhkemP521, .xwing])
    func derivationIsDeterministicAndIKMSensitive(kem: HPKEKEM) throws {
        let a = try kem.deriveKeyPair(ikm: [UInt8](repeating: 1, count: 32))
        let b = try kem.deriveKeyPair(ikm: [UInt8](repeating: 1, count: 32))
        let c = try kem.deriveKeyPair(ikm: [UInt8](repeating: 2, count: 32))
        #expect(a.publicKey == b.publicKey)
        #expect(a.publicKey != c.publicKey)
        #expect(a.serialized.count == kem.privateKeyByteCount)
        let restored = try HPKEPrivateKey(kem: kem, serialized: a.serialized.exportedBytes)
        #expect(restored.publicKey == a.publicKey)
    }

    @Test func wrongPrivateKeyLengthsAreRejected() {
        #expect(throws: MLSCryptoError.invalidPrivateKey) { try HPKEPrivateKey(kem: .dhkemP256, serialized: [1, 2, 3]) }
        #expect(throws: MLSCryptoError.invalidPrivateKey) { try HPKEPrivateKey(kem: .xwing, serialized: [UInt8](repeating: 0, count: 31)) }
        // The order of P-256 is not a valid scalar.
        let order = TestHex.bytes("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
        #expect(throws: MLSCryptoError.invalidPrivateKey) { try HPKEPrivateKey(kem: .dhkemP256, serialized: order) }
    }
}
