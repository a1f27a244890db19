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

/// Review L5: the sponge's streaming form and its wiping.
@Suite struct SHAKE256SpongeTests {
    private static func input(_ count: Int) -> [UInt8] { (0..<count).map { UInt8($0 % 251) } }

    /// Known answers from an independent implementation (Python's hashlib.shake_256) around the
    /// block boundary and for a multi-block squeeze, each absorbed in one piece and in uneven pieces.
    @Test(arguments: [
        (135, "c45dae624ad8a2f5aa7bac9d7557737fd91c96eedb70a6be5574d57a844eade0"),
        (137, "01d90952c642a5eb2a8fc9d713f843a45d7ac05132dddcb2efc9bebc27e37bcbe42130c36f3540250ab11796980e773683f28d07f0f838606fb9c45e452bd38f"),
        (272, "e3299fa992163e7ffc875aff708dac93d2157e9b4ccaa2a13ba1ca4ef0b40f29"),
    ])
    func streamingMatchesKnownAnswers(count: Int, expectedHex: String) {
        let expected = TestHex.bytes(expectedHex)
        let message = Self.input(count)
        #expect(SHAKE256.hash(message, outputByteCount: expected.count) == expected)
        var sponge = SHAKE256()
        var offset = 0
        for piece in [1, 7, 64, 135, 200] where offset < message.count {
            let end = min(message.count, offset + piece)
            sponge.absorb(message[offset..<end])
            offset = end
        }
        sponge.absorb(message[offset...])
        // Squeezed in two uneven calls: the output stream continues where it stopped.
        let first = sponge.squeeze(count: 5)
        #expect(first + sponge.squeeze(count: expected.count - 5) == expected)
    }

    @Test func squeezesAcrossSeveralBlocks() {
        let expected = TestHex.bytes(
            "177c5689012e0ac1f06bea70d7946bf8dfc291cf53ed38086e0b6c81815e3800364a1a05690e3bab822c4959c3f11f90e6e4d2502487538281d90ed5fe2451f23c771dec6dcafdaccbeeba16ffffc057bb5a72a12d0cd2d05affdf892a28f22dfed62545a0fbccb7d779d9b0672442f08592da092d2489a5d5ea6836fd2145de5426343a03bb1cc45c14f03ad0b0136c3bea919d9ad6cc4c7c9c2c5b7f3f11e138dda3db9f7feb6c4c08df8a8590dbe1c1256d92134db25fb404467d974e601b20a2c34dca5d3b46a91f19cc618ef3ae708e8d86b4580633fa1640f944830835a402ce5994fac2d66319ae3728047939d1d110125f89df20ec4e19d602c38ae257182adec32cfcf5a08ac12ee0af5c3ba03419ca5e4a8beeb2e2d74a7aa7318b484c36d802e4a590227f7ba5"
        )
        #expect(SHAKE256.hash(Self.input(300), outputByteCount: 300) == expected)
    }

    /// After `wipe()` no lane, buffered input byte or Keccak scratch value is left, whether the
    /// sponge stopped mid-absorb or after squeezing, and the wiped sponge hashes afresh correctly.
    @Test func wipeLeavesNothingBehind() {
        var midAbsorb = SHAKE256()
        midAbsorb.absorb(Self.input(200))  // one block permuted, 64 bytes buffered
        #expect(!midAbsorb.isWiped)
        midAbsorb.wipe()
        #expect(midAbsorb.isWiped)

        var squeezed = SHAKE256()
        squeezed.absorb(Self.input(100))
        _ = squeezed.squeeze(count: 32)
        #expect(!squeezed.isWiped)
        squeezed.wipe()
        #expect(squeezed.isWiped)
        squeezed.absorb(Self.input(135))
        #expect(squeezed.squeeze(count: 32) == TestHex.bytes("c45dae624ad8a2f5aa7bac9d7557737fd91c96eedb70a6be5574d57a844eade0"))
    }
}
