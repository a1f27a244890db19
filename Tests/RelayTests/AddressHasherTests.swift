import Crypto
import NIOCore
@testable import Relay
import Testing

/// Per-address rate-limit keys (review M6): an IPv6 client is keyed by its /64.
@Suite struct AddressHasherTests {
    func key(_ ip: String) throws -> AddressKey { AddressHasher(key: .init(data: [UInt8](repeating: 7, count: 32))).hash(try SocketAddress(ipAddress: ip, port: 443)) }

    @Test func ipv6ClientsAreKeyedByTheirSlash64() throws {
        #expect(try key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff:ffff:ffff:fffe"), "one /64, one key")
        #expect(try key("2001:db8:1:2::1") != key("2001:db8:1:3::1"), "another /64, another key")
        #expect(try key("192.0.2.1") != key("192.0.2.2"), "IPv4 keeps the full address")
        #expect(try key("::ffff:192.0.2.1") == key("192.0.2.1"), "IPv4-mapped IPv6 is the same client")
        #expect(try key("::ffff:192.0.2.1") != key("::ffff:192.0.2.2"))
    }
}
