@testable import MLS
import Testing

/// Review L5: the constant-time `[1, n - 1]` check of DHKEM(P-256/384/521) DeriveKeyPair
/// candidates, against a plain big-endian comparison.
@Suite struct ScalarRangeTests {
    /// `value + delta` for a big-endian byte string (delta in -1...1), wrapping at the length.
    private static func adding(_ delta: Int, to value: [UInt8]) -> [UInt8] {
        var result = value
        var carry = delta
        var index = result.count - 1
        while carry != 0, index >= 0 {
            let sum = Int(result[index]) + carry
            result[index] = UInt8(truncatingIfNeeded: sum)
            carry = sum < 0 ? -1 : sum >> 8
            index -= 1
        }
        return result
    }

    /// The obvious variable-time answer: non-zero and lexicographically below the order.
    private static func reference(_ candidate: [UInt8], _ order: [UInt8]) -> Bool {
        candidate.count == order.count && candidate.contains { $0 != 0 } && candidate.lexicographicallyPrecedes(order)
    }

    static let orders = [HPKEKEM.p256Order, HPKEKEM.p384Order, HPKEKEM.p521Order]

    @Test(arguments: ScalarRangeTests.orders)
    func boundaries(order: [UInt8]) {
        let zero = [UInt8](repeating: 0, count: order.count)
        #expect(!HPKEKEM.isScalar(zero, inRangeBelow: order))
        #expect(HPKEKEM.isScalar(Self.adding(1, to: zero), inRangeBelow: order))
        #expect(HPKEKEM.isScalar(Self.adding(-1, to: order), inRangeBelow: order))
        #expect(!HPKEKEM.isScalar(order, inRangeBelow: order))
        #expect(!HPKEKEM.isScalar(Self.adding(1, to: order), inRangeBelow: order))
        #expect(!HPKEKEM.isScalar([UInt8](repeating: 0xff, count: order.count), inRangeBelow: order))
        #expect(!HPKEKEM.isScalar(Array(order.dropFirst()), inRangeBelow: order))  // wrong length
    }

    /// Random candidates, and candidates sharing a long prefix with the order (where an early
    /// exit would have decided late), agree with the plain comparison.
    @Test(arguments: ScalarRangeTests.orders)
    func agreesWithPlainComparison(order: [UInt8]) {
        var generator = SeededGenerator(seed: UInt64(order.count))
        for round in 0..<2_000 {
            var candidate = (0..<order.count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 {
                let keep = Int.random(in: 0..<order.count, using: &generator)
                candidate.replaceSubrange(0..<keep, with: order[0..<keep])
            }
            if order.count == 66 { candidate[0] &= 0x01 }  // as DeriveKeyPair masks P-521
            #expect(HPKEKEM.isScalar(candidate, inRangeBelow: order) == Self.reference(candidate, order))
        }
    }
}
