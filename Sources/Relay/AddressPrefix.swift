public import NIOCore

/// An IP address range in CIDR notation (`10.0.0.0/8`, `2001:db8::/32`, or one address), used
/// to name the reverse proxies whose `X-Forwarded-For` the relay believes.
public struct AddressPrefix: Hashable, Sendable, CustomStringConvertible {
    /// 4 or 16 bytes, with the bits past ``length`` cleared.
    let bytes: [UInt8]
    /// Leading bits that must match.
    let length: Int

    /// Parses `ADDRESS` or `ADDRESS/BITS`; nil for anything else. IPv4-mapped IPv6 addresses
    /// are read as IPv4, as ``AddressHasher`` does.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let first = parts.first, let address = try? SocketAddress(ipAddress: String(first), port: 0),
            var bytes = Self.ipBytes(of: address)
        else { return nil }
        var length = bytes.count * 8
        if parts.count == 2 {
            guard let bits = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...length).contains(bits) else { return nil }
            // An IPv4-mapped prefix counts its bits over the 128-bit form.
            length = bits
        }
        for index in bytes.indices {
            let keep = max(0, min(8, length - index * 8))
            bytes[index] &= keep == 8 ? 0xff : ~(0xff >> keep)
        }
        self.bytes = bytes
        self.length = length
    }

    /// Whether `address` lies in the range.
    public func contains(_ address: SocketAddress?) -> Bool {
        guard let address, let other = Self.ipBytes(of: address), other.count == bytes.count else { return false }
        for index in bytes.indices {
            let keep = max(0, min(8, length - index * 8))
            let mask: UInt8 = keep == 8 ? 0xff : ~(0xff >> keep)
            if other[index] & mask != bytes[index] { return false }
        }
        return true
    }

    public var description: String {
        bytes.count == 4
            ? bytes.map(String.init).joined(separator: ".") + "/\(length)"
            : stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }.joined(separator: ":")
                + "/\(length)"
    }

    /// The address bytes of an IP socket address: 4 for IPv4 and IPv4-mapped IPv6, else 16.
    static func ipBytes(of address: SocketAddress) -> [UInt8]? {
        // The address bytes sit at the same offsets in sockaddr_in (4..<8) and sockaddr_in6
        // (8..<24) on Linux and Darwin.
        func raw(_ range: Range<Int>) -> [UInt8]? {
            address.withSockAddr { pointer, size in
                size >= range.upperBound ? Array(UnsafeRawBufferPointer(start: pointer, count: size)[range]) : nil
            }
        }
        switch address {
        case .v4: return raw(4..<8)
        case .v6:
            guard let bytes = raw(8..<24) else { return nil }
            if bytes.prefix(10).allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff { return Array(bytes.suffix(4)) }
            return bytes
        case .unixDomainSocket: return nil
        }
    }
}
