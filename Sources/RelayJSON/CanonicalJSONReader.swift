public import Foundation

/// A forward reader over the bytes of one JSON text (RFC 8259) that understands only its
/// *canonical spelling*: the spelling our clients' `JSONEncoder` writes. Every method either
/// consumes one complete token of that spelling and returns it, or returns nil (or false) and
/// leaves the position unspecified; a nil means "not canonical", never "invalid JSON".
///
/// What is canonical here:
/// - whitespace: the four RFC 8259 §2 characters, anywhere between tokens;
/// - strings (§7): printable ASCII (0x20...0x7E) other than `"` and `\`, so no escapes, no
///   control characters, no multi-byte UTF-8: the bytes are the string's value;
/// - integers (§6): `-?(0|[1-9][0-9]*)` within `Int64`, no fraction, no exponent;
/// - base64 strings: RFC 4648 §4 with padding, and zero spare bits in the last character, so
///   each byte string has exactly one spelling (`Data(base64Encoded:)` accepts every such
///   string and decodes it to the same bytes); `/` may be escaped as `\/`, which
///   `JSONEncoder` does by default.
///
/// The decoders built on it (``SealedSendBody``, ``AckFrame``) hand anything else to
/// `JSONDecoder`, so the language the relay accepts is exactly `JSONDecoder`'s: this reader
/// only makes the common spelling cheap. It never traps: every index is checked against the
/// end of the buffer.
struct CanonicalJSONReader {
    private let bytes: UnsafeRawBufferPointer
    private(set) var position = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// True once only whitespace is left.
    mutating func isAtEnd() -> Bool {
        skipWhitespace()
        return position == bytes.count
    }

    /// Consumes `byte` after optional whitespace; false (consuming only the whitespace) if the
    /// next byte is another one.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipWhitespace()
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    /// Reads a string of printable ASCII without escapes; the range of its content bytes.
    mutating func plainString() -> Range<Int>? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        let start = position
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return start..<(position - 1)
            }
            guard byte >= 0x20, byte <= 0x7E, byte != UInt8(ascii: "\\") else { return nil }
            position += 1
        }
        return nil
    }

    /// Reads a plain string (see ``plainString()``) as a Swift string.
    mutating func string() -> String? {
        guard let range = plainString() else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    /// Reads an object key and tells which of `keys` it is (their index); nil for any other key.
    mutating func key(_ keys: [StaticString]) -> Int? {
        guard let range = plainString(), consume(UInt8(ascii: ":")) else { return nil }
        let text = UnsafeRawBufferPointer(rebasing: bytes[range])
        return keys.firstIndex { UnsafeRawBufferPointer(start: $0.utf8Start, count: $0.utf8CodeUnitCount).elementsEqual(text) }
    }

    /// Reads a canonical integer (`-?(0|[1-9][0-9]*)`) that fits `Int64`.
    mutating func int64() -> Int64? {
        skipWhitespace()
        let negative = position < bytes.count && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let start = position
        // Accumulated as a negative number: Int64.min has no positive counterpart.
        var value: Int64 = 0
        while position < bytes.count, let digit = Self.digit(bytes[position]) {
            if position > start, bytes[start] == UInt8(ascii: "0") { return nil }  // leading zero
            let (shifted, overflow) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = shifted.subtractingReportingOverflow(Int64(digit))
            guard !overflow, !overflow2 else { return nil }
            value = next
            position += 1
        }
        guard position > start else { return nil }
        // A fraction or an exponent is JSON, just not this spelling.
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") || bytes[position] | 0x20 == UInt8(ascii: "e") { return nil }
        if negative { return value }
        return value == .min ? nil : -value
    }

    /// Reads a canonical padded base64 string (RFC 4648 §4) and decodes it. `/` may be written
    /// `\/`, as `JSONEncoder` does by default; no other escape is read.
    mutating func base64() -> Data? {
        guard consume(UInt8(ascii: "\"")) else { return nil }
        // First pass: find the end, count the characters (an escaped slash counts once).
        let start = position
        var count = 0
        while true {
            guard position < bytes.count else { return nil }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { break }
            if byte == UInt8(ascii: "\\") {
                guard position + 1 < bytes.count, bytes[position + 1] == UInt8(ascii: "/") else { return nil }
                position += 1
            }
            position += 1
            count += 1
        }
        let end = position
        position += 1
        guard count % 4 == 0 else { return nil }
        guard count > 0 else { return Data() }
        // `=` is never escaped, so the last two bytes are the last two characters when they are `=`.
        let padding = bytes[end - 1] != UInt8(ascii: "=") ? 0 : bytes[end - 2] != UInt8(ascii: "=") ? 1 : 2
        // Second pass: decode, four characters (24 bits) at a time.
        var output: [UInt8] = []
        output.reserveCapacity(count / 4 * 3 - padding)
        var index = start
        var characters = 0
        var bits: UInt32 = 0
        while characters < count - padding {
            var byte = bytes[index]
            if byte == UInt8(ascii: "\\") {
                index += 1
                byte = bytes[index]
            }
            index += 1
            guard let sextet = Self.sextet(byte) else { return nil }
            bits = bits << 6 | UInt32(sextet)
            characters += 1
            if characters % 4 == 0 {
                output.append(UInt8(truncatingIfNeeded: bits >> 16))
                output.append(UInt8(truncatingIfNeeded: bits >> 8))
                output.append(UInt8(truncatingIfNeeded: bits))
                bits = 0
            }
        }
        // The spare bits of the last character must be zero: one spelling per byte string.
        switch padding {
        case 1:
            guard bits & 0x03 == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: bits >> 10))
            output.append(UInt8(truncatingIfNeeded: bits >> 2))
        case 2:
            guard bits & 0x0F == 0 else { return nil }
            output.append(UInt8(truncatingIfNeeded: bits >> 4))
        default:
            break
        }
        return Data(output)
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private static func digit(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    /// The value of a base64 character (RFC 4648 §4, Table 1); nil for any other byte, `=` included.
    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }
}
