public import Logging

/// Keeps a logger's own metadata and hands it to `Wrapped` only with each event that is
/// logged. `StreamLogHandler` formats all its metadata whenever one key is set; Hummingbird sets
/// a request id on every request's logger, so the relay formatted a string per request (and
/// per WebSocket) that was almost never printed (~1 % of its CPU under `letterlock-bench relay`).
///
/// The printed line is the same: `Wrapped` receives this metadata merged under the event's own
/// (the event's keys win, as before). One difference: a key set both here and by a metadata
/// provider now prints this value; the relay sets no provider.
public struct DeferredMetadataLogHandler<Wrapped: LogHandler>: LogHandler {
    private var wrapped: Wrapped
    public var metadata: Logger.Metadata = [:]

    public init(_ wrapped: Wrapped) {
        self.wrapped = wrapped
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadataProvider: Logger.MetadataProvider? {
        get { wrapped.metadataProvider }
        set { wrapped.metadataProvider = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        if !metadata.isEmpty {
            event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        }
        wrapped.log(event: event)
    }
}
