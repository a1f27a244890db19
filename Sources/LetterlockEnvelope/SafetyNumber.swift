public import Foundation
import Crypto

/// A number two people compare (read aloud, or side by side) to check that each sees the other's
/// real devices: the relay could otherwise substitute a key in its directory.
///
/// Construction (version 1):
///
/// 1. For each account, its *fingerprint*: `h0 = SHA-512("letterlock-safety-number-v1" ‖ 0x00 ‖
///    account id ‖ 0x00 ‖ k1 ‖ … ‖ kn)` where `k1 … kn` are the account's 32-byte Ed25519 device
///    signing keys sorted bytewise (so device order does not matter), then
///    `h(i+1) = SHA-512(h(i) ‖ account id ‖ k1 ‖ … ‖ kn)` for 5,200 rounds (as Signal does, to
///    make a targeted search for a colliding key set expensive).
/// 2. The first 30 bytes of the last hash, as six 5-byte big-endian integers each reduced mod
///    100,000: 30 digits (about 99.6 bits) per account.
/// 3. The two 30-digit strings concatenated in the order of their account ids (bytewise), so
///    both sides compute the same 60 digits; printed as 12 groups of 5.
///
/// Any added, removed or replaced device key changes its account's half.
public struct SafetyNumber: Sendable, Hashable, CustomStringConvertible {
    public static let iterations = 5_200
    /// The 60 digits.
    public let digits: String

    public init(_ a: (accountID: String, signingKeys: [Data]), _ b: (accountID: String, signingKeys: [Data])) {
        let first = Self.fingerprint(accountID: a.accountID, keys: a.signingKeys)
        let second = Self.fingerprint(accountID: b.accountID, keys: b.signingKeys)
        digits = a.accountID.utf8.lexicographicallyPrecedes(b.accountID.utf8) ? first + second : second + first
    }

    /// Groups of five digits separated by spaces (four groups per line with `lines`).
    public var description: String { groups.joined(separator: " ") }

    public var groups: [String] {
        stride(from: 0, to: digits.count, by: 5).map { start in
            let from = digits.index(digits.startIndex, offsetBy: start)
            return String(digits[from..<digits.index(from, offsetBy: 5)])
        }
    }

    static func fingerprint(accountID: String, keys: [Data]) -> String {
        let sorted = keys.sorted { $0.lexicographicallyPrecedes($1) }
        let keyBytes = sorted.reduce(into: Data()) { $0 += $1 }
        let account = Data(accountID.utf8)
        var hash = Data(SHA512.hash(data: Data("letterlock-safety-number-v1".utf8) + [0] + account + [0] + keyBytes))
        for _ in 0..<iterations {
            hash = Data(SHA512.hash(data: hash + account + keyBytes))
        }
        let bytes = [UInt8](hash.prefix(30))
        return (0..<6).map { chunk in
            let value = bytes[chunk * 5..<chunk * 5 + 5].reduce(UInt64(0)) { $0 << 8 | UInt64($1) } % 100_000
            let text = String(value)
            return String(repeating: "0", count: 5 - text.count) + text
        }.joined()
    }
}
