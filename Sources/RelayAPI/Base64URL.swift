public import Foundation

extension Data {
    /// RFC 4648 §5 base64url without padding, as used in the relay's headers.
    public func base64URLEncodedString() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes unpadded base64url; nil for any other alphabet, a bad length, or a non-canonical
    /// encoding: the unused low bits of the last character must be zero (RFC 4648 §3.5), so every
    /// byte string has exactly one encoding (client review L11: invites, link codes and public
    /// links otherwise had several spellings).
    public init?(base64URLEncoded string: String) {
        guard string.utf8.allSatisfy({ Self.isBase64URL($0) }) else { return nil }
        // 2 characters carry 1 byte (4 spare bits), 3 carry 2 (2 spare bits); 1 is never valid.
        let spareBits: Int
        switch string.utf8.count % 4 {
        case 0: spareBits = 0
        case 2: spareBits = 4
        case 3: spareBits = 2
        default: return nil
        }
        if spareBits > 0, let last = string.utf8.last, Self.sextet(last) & ((1 << spareBits) - 1) != 0 { return nil }
        var standard = string.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        standard += String(repeating: "=", count: (4 - standard.utf8.count % 4) % 4)
        self.init(base64Encoded: standard)
    }

    /// The 6-bit value of a base64url character (already checked to be one).
    private static func sextet(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "-"): 62
        default: 63
        }
    }

    private static func isBase64URL(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default: false
        }
    }
}
