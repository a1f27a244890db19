public import Foundation
import RelayAPI

/// A link anyone holding it can use to fetch and decrypt one file:
///
/// ```
/// https://relay.example/f/<blob id>#<base64url(manifest encoding)>
/// ```
///
/// The fragment (RFC 3986 §3.5) carries the key and the manifest; user agents never send a
/// fragment to the server, so the relay sees only the blob id. Whoever has the link can read the
/// file: it is as secret as the key. Downloading still needs a signed request from a device.
///
/// A link is only `https`, or `http` to a loopback host for local use (client review M8): the
/// relay's name comes from whoever wrote the link, so a client fetches a link only from its own
/// relay (`FileTransfer.receive(_:to:)` refuses another), and each signature names the relay it
/// is for, so a host named in a link can neither learn who opens it nor replay the request.
public struct PublicLink: Hashable, Sendable {
    /// The relay's base URL (scheme, host, port).
    public let relay: URL
    public let manifest: FileManifest

    public init(relay: URL, manifest: FileManifest) {
        self.relay = relay
        self.manifest = manifest
    }

    public static func == (lhs: PublicLink, rhs: PublicLink) -> Bool { lhs.relay == rhs.relay && lhs.manifest == rhs.manifest }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(relay)
        hasher.combine(manifest.blobID)
    }

    /// The link as a URL string.
    public var url: String {
        var base = relay.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return "\(base)/f/\(manifest.blobID)#\(manifest.encoded.base64URLEncodedString())"
    }

    /// Parses a link; the path's blob id must match the manifest's.
    public init(parsing link: String) throws {
        guard let components = URLComponents(string: link), let scheme = components.scheme?.lowercased(),
            let host = components.host, !host.isEmpty, components.user == nil, components.password == nil, components.query == nil,
            let fragment = components.fragment, let bytes = Data(base64URLEncoded: fragment)
        else { throw FileError.malformedLink }
        guard scheme == "https" || scheme == "http" else { throw FileError.malformedLink }
        guard scheme == "https" || RequestSigning.isLoopback(host: host) else { throw FileError.insecureLink }
        let segments = components.path.split(separator: "/", omittingEmptySubsequences: false)
        guard segments.count == 3, segments[0].isEmpty, segments[1] == "f" else { throw FileError.malformedLink }
        let manifest: FileManifest
        do { manifest = try FileManifest(decoding: bytes) } catch { throw FileError.malformedLink }
        guard segments[2] == manifest.blobID else { throw FileError.malformedLink }
        var base = URLComponents()
        base.scheme = scheme
        base.host = host
        base.port = components.port
        guard let relay = base.url else { throw FileError.malformedLink }
        self.relay = relay
        self.manifest = manifest
    }
}
