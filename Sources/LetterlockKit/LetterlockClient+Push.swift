import Foundation
public import RelayAPI
import MLS

extension LetterlockClient {
    /// Listens on the push connection until cancelled, handling each entry as it arrives
    /// (``handlePushed(_:)``: contact envelopes as ``sync()`` does, conversation messages as
    /// ``receive()`` does). `onChange` runs after each entry that changed a request or a contact.
    public func listen(
        configuration: PushConnection.Configuration = .init(), onEvent: @escaping @Sendable (PushConnection.Event) -> Void = { _ in },
        onChange: @escaping @Sendable (SyncReport) -> Void = { _ in }
    ) async throws {
        try await PushConnection(relay: relay, configuration: configuration).run(onEvent: onEvent) { entry in
            let (acknowledge, report) = try await self.handlePushed(entry)
            if report.contacts.newRequests > 0 || !report.contacts.contactsUpdated.isEmpty { onChange(report.contacts) }
            return acknowledge
        }
    }

    /// Handles one entry from the push connection, whichever layer it is for: a contact
    /// envelope (requests, cards; device-link messages are left for a linking session) or a
    /// conversation message (Welcome, Commit, application message). After a contact change,
    /// messages that were waiting for it (a 1:1 chat whose request was just accepted) are sent.
    /// Returns whether to acknowledge the entry and what changed.
    ///
    /// Not safe to run concurrently with other conversation calls on the same client: callers
    /// that also send (an interactive chat) run it on the same serial queue as their sends.
    public func handlePushed(_ entry: MailboxEntryBody) async throws -> (acknowledge: Bool, report: ConversationReport) {
        var report = ConversationReport()
        if Envelope.isEnvelope(entry.payload) {
            let outcome = try await handle(entry, report: &report.contacts)
            if !report.contacts.contactsUpdated.isEmpty {
                for conversation in try conversations() where conversation.active {
                    try? await retryUndelivered(conversation.id)
                }
            }
            return (outcome == .acknowledge, report)
        }
        var autoCommit: Set<String> = []
        let outcome = try await handle(entry, report: &report, autoCommit: &autoCommit)
        for id in autoCommit.sorted() {
            _ = try? await commitPendingLeaves(id)
        }
        return (outcome == .acknowledge, report)
    }
}
