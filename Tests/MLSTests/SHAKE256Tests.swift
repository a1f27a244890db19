@testable import MLS
import Testing

/// SHAKE256 (FIPS 202) known answers; the X-Wing DeriveKeyPair vectors cover it too.
@Suite struct SHAKE256Tests {
    @Test func emptyInput() {
        #expect(SHAKE256.hash([], outputByteCount: 32) == TestHex.bytes("46b9dd2b0ba88d13233b3feb743eeb243fcd52ea62b81b82b50c27646ed5762f"))
    }

    /// Multi-block absorb (200 > rate 136) and multi-block squeeze (200 bytes out).
    @Test func longInputAndOutput() {
        let out = SHAKE256.hash((0..<200).map { UInt8($0) }, outputByteCount: 200)
        #expect(out.count == 200)
        #expect(Array(out.prefix(40)) == TestHex.bytes("4ee1ca03272b05d3bfb1e1c79a967f823b9fc5e4bb3987b1ba9e9cb5afb07a5ee3a07fbd457a9436"))
    }

    /// Exactly one rate-sized block: the padding goes into a block of its own.
    @Test func exactlyOneBlock() {
        let out = SHAKE256.hash((0..<136).map { UInt8($0) }, outputByteCount: 16)
        #expect(out == TestHex.bytes("b7ff4073b3f5a8eabd6e17705ca7f676"))
    }
}
