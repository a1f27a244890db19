public import Hummingbird
public import HummingbirdWebSocket
import Logging
public import NIOCore

/// The request context of every relay route: Hummingbird's core storage plus the peer address
/// (used only hashed, for rate limits) and WebSocket upgrade support.
public struct RelayRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let webSocket: WebSocketHandlerReference<Self>
    /// The connecting peer. Never logged or stored; see ``AddressHasher``.
    public let remoteAddress: SocketAddress?
    /// The client's rate-limit key, computed once by ``RelayMiddleware`` and reused by the
    /// routes' own per-address limits (see ``Relay/clientKey(_:_:)``).
    var addressKey: AddressKey?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        webSocket = .init()
        remoteAddress = source.channel.remoteAddress
    }

    /// Bodies are collected explicitly per route with their own limits; this is the outer cap.
    public var maxUploadSize: Int { 4 << 20 }
}
