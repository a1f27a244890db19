import Foundation

extension LetterlockClient {
    /// Listens on the push connection until cancelled, handling each entry as ``sync()`` does.
    /// `onChange` runs after each entry that changed something (a request, a contact).
    public func listen(
        configuration: PushConnection.Configuration = .init(), onEvent: @escaping @Sendable (PushConnection.Event) -> Void = { _ in },
        onChange: @escaping @Sendable (SyncReport) -> Void = { _ in }
    ) async throws {
        try await PushConnection(relay: relay, configuration: configuration).run(onEvent: onEvent) { entry in
            var report = SyncReport()
            let outcome = try await self.handle(entry, report: &report)
            if report.newRequests > 0 || !report.contactsUpdated.isEmpty { onChange(report) }
            return outcome == .acknowledge
        }
    }
}
