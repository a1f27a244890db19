import Metrics

/// The relay's own metrics (request counts and latencies are ``HTTPRequestMetrics``). Labels
/// carry no user data.
struct RelayMetrics: Sendable {
    let entriesStored = Counter(label: "relay_mailbox_entries_stored_total")
    let entriesAcknowledged = Counter(label: "relay_mailbox_entries_acknowledged_total")
    let entriesExpired = Counter(label: "relay_mailbox_entries_expired_total")
    let entriesPushed = Counter(label: "relay_websocket_entries_pushed_total")
    let commitConflicts = Counter(label: "relay_commit_conflicts_total")
    let authenticationFailures = Counter(label: "relay_authentication_failures_total")
    let rateLimited = Counter(label: "relay_rate_limited_total")
    let openConnections = Gauge(label: "relay_websocket_connections")
    /// Depth of a device's mailbox, sampled when the device fetches or connects.
    let mailboxDepth = Recorder(label: "relay_mailbox_depth", aggregate: true)
}
