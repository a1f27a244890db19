/// Hex helpers for known-answer tests (spaces and newlines in the literal are ignored).
enum TestHex {
    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8.filter { !($0 == 0x20 || $0 == 0x0a) })
        return stride(from: 0, to: digits.count - 1, by: 2).map { index in
            UInt8(String(decoding: digits[index..<(index + 2)], as: UTF8.self), radix: 16)!
        }
    }
}
