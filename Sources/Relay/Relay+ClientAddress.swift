import Foundation
import HTTPTypes
import Hummingbird
public import NIOCore

extension Relay {
    /// The opaque per-address rate-limit key of the request's client (see ``AddressHasher``).
    func clientKey(_ request: Request, _ context: RelayRequestContext) -> AddressKey {
        if let key = context.addressKey { return key }
        return addressHasher.hash(
            Self.clientAddress(
                peer: context.remoteAddress, forwardedFor: request.headers[values: Self.forwardedFor], trustedProxies: configuration.trustedProxies
            )
        )
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    /// The address a request came from. `X-Forwarded-For` is believed only when the peer is a
    /// configured trusted proxy: then the list is read from the right (the hop nearest to the
    /// relay) and the first address that is not a trusted proxy is the client. Anyone else
    /// could write any address into the header and pick a fresh rate-limit key per request.
    /// A malformed hop ends the walk at the last trusted address, so a client behind a broken
    /// proxy shares that proxy's budget rather than escaping it.
    public static func clientAddress(peer: SocketAddress?, forwardedFor: [String], trustedProxies: [AddressPrefix]) -> SocketAddress? {
        func trusted(_ address: SocketAddress?) -> Bool { trustedProxies.contains { $0.contains(address) } }
        guard trusted(peer) else { return peer }
        var client = peer
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() {
            guard let address = try? SocketAddress(ipAddress: hop, port: 0) else { return client }
            client = address
            if !trusted(address) { return address }
        }
        return client
    }
}
