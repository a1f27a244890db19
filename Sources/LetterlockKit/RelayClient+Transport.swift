public import AsyncHTTPClient
import NIOCore

extension HTTPClient {
    /// The process-wide client Letterlock uses by default. Unlike `HTTPClient.shared`, it does not
    /// retry a refused connection until the request deadline: a relay that is down is reported as
    /// ``RelayClientError/unreachable`` within the connect timeout (5 s), not after 30 s.
    public static let letterlock: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout.connect = .seconds(5)
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}
