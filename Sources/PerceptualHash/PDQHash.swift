/// A 256-bit PDQ hash.
///
/// Layout (PDQ spec §10): bit `k` is DCT coefficient (row `k / 16`, column `k % 16`).
/// It is stored as four 64-bit limbs, least significant first: bit `k` lives in
/// `limbs[k >> 6]` at position `k & 63`. Read as one 256-bit big-endian integer,
/// the hex text is the reference's layout: 64 lowercase hex digits, word 15 first.
public struct PDQHash: Hashable, Sendable {
    /// Bits 0–63, 64–127, 128–191, 192–255.
    public var limbs: (UInt64, UInt64, UInt64, UInt64)

    /// The all-zero hash (what degenerate inputs hash to, spec §13).
    public static let zero = PDQHash(limbs: (0, 0, 0, 0))

    public init(limbs: (UInt64, UInt64, UInt64, UInt64)) {
        self.limbs = limbs
    }

    /// Bit `k` (0...255).
    @inline(__always)
    public subscript(bit k: Int) -> Bool {
        get {
            precondition((0..<256).contains(k), "PDQ hash bit index out of range")
            return (limb(k >> 6) >> UInt64(k & 63)) & 1 == 1
        }
        set {
            precondition((0..<256).contains(k), "PDQ hash bit index out of range")
            let mask: UInt64 = 1 << UInt64(k & 63)
            let value = newValue ? limb(k >> 6) | mask : limb(k >> 6) & ~mask
            setLimb(k >> 6, value)
        }
    }

    /// Limb `index` (0...3).
    @inline(__always)
    public func limb(_ index: Int) -> UInt64 {
        switch index {
        case 0: limbs.0
        case 1: limbs.1
        case 2: limbs.2
        default: limbs.3
        }
    }

    @inline(__always)
    mutating func setLimb(_ index: Int, _ value: UInt64) {
        switch index {
        case 0: limbs.0 = value
        case 1: limbs.1 = value
        case 2: limbs.2 = value
        default: limbs.3 = value
        }
    }

    /// Number of set bits.
    @inline(__always)
    public var popcount: Int {
        limbs.0.nonzeroBitCount + limbs.1.nonzeroBitCount + limbs.2.nonzeroBitCount + limbs.3.nonzeroBitCount
    }

    /// Hamming distance (spec §11).
    @inline(__always)
    public func distance(to other: PDQHash) -> Int {
        (limbs.0 ^ other.limbs.0).nonzeroBitCount + (limbs.1 ^ other.limbs.1).nonzeroBitCount
            + (limbs.2 ^ other.limbs.2).nonzeroBitCount + (limbs.3 ^ other.limbs.3).nonzeroBitCount
    }

    public static func == (lhs: PDQHash, rhs: PDQHash) -> Bool {
        lhs.limbs.0 == rhs.limbs.0 && lhs.limbs.1 == rhs.limbs.1 && lhs.limbs.2 == rhs.limbs.2 && lhs.limbs.3 == rhs.limbs.3
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(limbs.0)
        hasher.combine(limbs.1)
        hasher.combine(limbs.2)
        hasher.combine(limbs.3)
    }
}

extension PDQHash: CustomStringConvertible, LosslessStringConvertible {
    /// 64 lowercase hex digits, most significant first (spec §10).
    public var hex: String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for index in stride(from: 3, through: 0, by: -1) {
            let value = limb(index)
            for shift in stride(from: 60, through: 0, by: -4) {
                out.append(digits[Int((value >> UInt64(shift)) & 0xf)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    public var description: String { hex }

    /// Parses 64 hex digits (either case; the canonical form is lowercase). Anything else is nil.
    public init?(_ text: String) {
        self.init(hex: text)
    }

    /// Parses 64 hex digits (either case; the canonical form is lowercase). Anything else is nil.
    public init?(hex text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 64 else { return nil }
        var result = PDQHash.zero
        for index in 0..<4 {
            var value: UInt64 = 0
            for byte in utf8[(index * 16)..<(index * 16 + 16)] {
                let nibble: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt64(nibble)
            }
            result.setLimb(3 - index, value)
        }
        self = result
    }
}
