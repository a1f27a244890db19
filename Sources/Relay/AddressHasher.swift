import Crypto
import Foundation
import NIOCore

/// Turns a client IP address into an opaque rate-limit key: HMAC-SHA256 under a random key that
/// lives only in this process's memory. The clear address is never stored or logged, and the
/// keys cannot be linked across restarts.
///
/// An IPv6 client is keyed by its /64: one subscriber usually holds a whole /64 (2^64
/// addresses), so keying by full address would let it pick a fresh key per request and escape
/// every per-address limit (review M6). IPv4 (also IPv4-mapped IPv6) is keyed by the full address.
struct AddressHasher: Sendable {
    /// HMAC keyed once: each request copies the keyed state instead of keying it again.
    private let keyed: HMAC<SHA256>

    init(key: SymmetricKey = SymmetricKey(size: .bits256)) { self.keyed = HMAC(key: key) }

    func hash(_ address: SocketAddress?) -> AddressKey {
        var hmac = keyed
        hmac.update(data: Self.limitedPrefix(of: address))
        let mac = hmac.finalize()
        return mac.withUnsafeBytes { AddressKey(high: $0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), low: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }

    /// The bytes that identify a client for rate limiting, tagged by family.
    static func limitedPrefix(of address: SocketAddress?) -> [UInt8] {
        // The address bytes sit at the same offsets in sockaddr_in (4..<8) and sockaddr_in6
        // (8..<24) on Linux and Darwin.
        func raw(_ address: SocketAddress, _ range: Range<Int>) -> [UInt8] {
            address.withSockAddr { pointer, size in
                size >= range.upperBound ? Array(UnsafeRawBufferPointer(start: pointer, count: size)[range]) : []
            }
        }
        guard let address else { return [0] }
        switch address {
        case .v4:
            return [4] + raw(address, 4..<8)
        case .v6:
            let bytes = raw(address, 8..<24)
            guard bytes.count == 16 else { return [0] }
            if bytes.prefix(10).allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                return [4] + bytes.suffix(4)  // IPv4-mapped: the same client as plain IPv4
            }
            return [6] + bytes.prefix(8)
        case .unixDomainSocket:
            return [0]
        }
    }
}

/// A client's rate-limit key: the first 128 bits of the HMAC of its address. Kept as two words,
/// never as text: the per-address counters live only in memory (``AddressRateLimiter``), so the
/// key is never written anywhere and needs no encoding.
struct AddressKey: Hashable, Sendable {
    let high: UInt64
    let low: UInt64
}
