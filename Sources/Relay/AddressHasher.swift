import Crypto
import Foundation
import NIOCore

/// Turns a client IP address into an opaque rate-limit key: HMAC-SHA256 under a random key that
/// lives only in this process's memory. The clear address is never stored or logged, and the
/// hashes cannot be linked across restarts.
struct AddressHasher: Sendable {
    private let key: SymmetricKey

    init(key: SymmetricKey = SymmetricKey(size: .bits256)) { self.key = key }

    func hash(_ address: SocketAddress?) -> String {
        let ip = address?.ipAddress ?? "unknown"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(ip.utf8), using: key)
        return Data(mac.prefix(16)).map { String(format: "%02x", $0) }.joined()
    }
}
