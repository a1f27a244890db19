/// Shared rules for the random identifiers (``AccountID``, ``DeviceID``).
enum Identifier {
    static let byteCount = 16

    static func isWellFormed(_ value: String) -> Bool {
        let utf8 = value.utf8
        return utf8.count == byteCount * 2 && utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    static func random<G: RandomNumberGenerator>(using generator: inout G) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(byteCount * 2)
        for _ in 0..<byteCount {
            let byte = UInt8.random(in: 0...255, using: &generator)
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
