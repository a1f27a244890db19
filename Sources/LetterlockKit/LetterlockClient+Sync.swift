import Foundation
public import RelayAPI

/// Incoming mail: fetching both queues and acting on each envelope.
extension LetterlockClient {
    /// What one ``sync()`` did.
    public struct SyncReport: Sendable, Codable, Equatable {
        /// New pending message requests.
        public var newRequests: Int = 0
        /// Accounts that became (or were updated as) accepted contacts.
        public var contactsUpdated: [String] = []
        /// Entries dropped: unreadable, badly signed, from blocked accounts, or refused for good
        /// by the relay while being handled (never their content: only this count is reported).
        public var dropped: Int = 0
        /// Entries left for other layers (MLS messages, device linking).
        public var leftForLater: Int = 0
    }

    /// Seconds: the relay keeps an entry at most 30 days, so an introduction signed longer ago
    /// than this (31 days) can only be a replay.
    static let replayHorizon: Int64 = 31 * 86_400

    /// Seconds a device-link message may wait for its linking session (``linkDevice(code:timeout:pollInterval:confirm:)``
    /// reads it): longer than any session. An older one is junk and is dropped, so that nobody
    /// can fill a mailbox with link messages that are never acknowledged (review M4).
    /// (A task-local so a test can age messages without moving the request-signing clock.)
    @TaskLocal static var linkMessageLifetime: TimeInterval = 30 * 60

    /// True for a device-link message young enough to belong to a running linking session.
    func isLiveLinkMessage(_ entry: MailboxEntryBody) -> Bool {
        now().timeIntervalSince1970 - TimeInterval(entry.receivedAt) < Self.linkMessageLifetime
    }

    /// What to do with one mailbox entry once handled.
    public enum EntryOutcome: Sendable, Equatable {
        /// Done: acknowledge it (delete it at the relay).
        case acknowledge
        /// Kept at the relay on purpose (a pending request waiting for an answer).
        case keep
        /// Not for this layer (an MLS message, a device-link message): leave it queued.
        case leave
    }

    /// Fetches every queued entry (requests, then inbox), handles each once, and acknowledges
    /// what is done. Safe to repeat: entries are deduplicated by id.
    @discardableResult
    public func sync() async throws -> SyncReport {
        var report = SyncReport()
        _ = try? await refillKeyPackages()  // conversations: others can add this device only with a KeyPackage
        // The relay keeps an entry at most its retention (30 days by default): ids older than
        // that cannot come again.
        try store.forgetProcessedEntries(before: now().addingTimeInterval(-31 * 86_400))
        for queue in [RelayClient.Queue.requests, .inbox] {
            var after: Int64?
            while true {
                let page = try await relay.mailbox(queue, after: after)
                guard let last = page.last else { break }
                // A relay that does not move forward would keep this loop going for ever.
                if let after, last.id <= after { throw RelayClientError.unexpectedResponse }
                var acknowledged: [Int64] = []
                do {
                    for entry in page {
                        let outcome = try await handle(entry, report: &report)
                        if outcome == .acknowledge { acknowledged.append(entry.id) }
                    }
                } catch {
                    // A transient failure: what was handled before it is still acknowledged.
                    try? await relay.acknowledge(acknowledged)
                    throw error
                }
                try await relay.acknowledge(acknowledged)
                after = last.id
            }
        }
        return report
    }

    /// Handles one entry (from a fetch or the push connection). At-least-once delivery means the
    /// same entry can come twice: an entry already handled is only acknowledged again.
    public func handle(_ entry: MailboxEntryBody) async throws -> EntryOutcome {
        var report = SyncReport()
        return try await handle(entry, report: &report)
    }

    func handle(_ entry: MailboxEntryBody, report: inout SyncReport) async throws -> EntryOutcome {
        guard Envelope.isEnvelope(entry.payload) else {
            report.leftForLater += 1
            return .leave
        }
        if try store.wasProcessed(entry.id) { return entry.queue == "requests" ? .keep : .acknowledge }
        do {
            let outcome = try await (entry.queue == "requests" ? handleRequest(entry, report: &report) : handleInbox(entry, report: &report))
            if outcome != .leave { try store.markProcessed(entry.id, at: now()) }
            return outcome
        } catch let error as RelayClientError where !error.isTransient {
            // The relay refused something this entry led to (an answer to an unknown token, a
            // sender that is gone): retrying cannot help, and keeping it would block every later
            // entry. Dropped like unreadable mail.
            _ = error
            return try await drop(entry, report: &report)
        } catch let error as LetterlockError {
            // Unreadable, unverifiable or misaddressed: never act on it, drop it.
            _ = error
            return try await drop(entry, report: &report)
        }
    }

    /// Marks an entry handled without acting on it: acknowledged (inbox) or ignored (requests).
    private func drop(_ entry: MailboxEntryBody, report: inout SyncReport) async throws -> EntryOutcome {
        report.dropped += 1
        try store.markProcessed(entry.id, at: now())
        if entry.queue == "requests" {
            try? await relay.answerRequest(entry.id, .ignore)
            return .keep
        }
        return .acknowledge
    }

    /// Sends our card after accepting someone; a refusal by the relay (their token unknown, the
    /// account gone) does not undo the acceptance and must not fail the entry.
    private func sendCardAfterAccepting(_ contact: Contact) async throws {
        do {
            try await sendCard(to: contact)
        } catch let error as RelayClientError where !error.isTransient {
            _ = error
        }
    }

    /// The device set to keep for a contact after a card: for a new contact, what the directory
    /// and the card agree on (trust on first use); for a known one, the known set, with agreement
    /// keys from the card for devices already in it. A different set is recorded as a pending
    /// change (``Contact/devicesChangedAt``), which only ``confirmDevices(of:)`` resolves.
    func keptDevices(existing: Contact?, directory: DeviceListResponse, card: ContactCard) -> (devices: [DeviceInfo], changedAt: Date?) {
        let merged = Self.merge(directory: directory, card: card)
        guard let existing, !existing.devices.isEmpty else { return (merged, nil) }
        let devices = existing.devices.map { known in
            var device = known
            if let fromCard = merged.first(where: { $0.deviceID == known.deviceID && $0.signingKey == known.signingKey }),
                let agreement = fromCard.agreementKey
            {
                device.agreementKey = agreement
            }
            return device
        }
        let knownSet = Set(existing.devices.map { $0.deviceID + ":" + $0.signingKey.base64EncodedString() })
        let listedSet = Set(merged.map { $0.deviceID + ":" + $0.signingKey.base64EncodedString() })
        let changedAt = existing.devicesChangedAt ?? (knownSet == listedSet ? nil : now())
        return (devices, changedAt)
    }

    /// Checks an envelope's signature and that it is addressed to this account. The signer must be
    /// in the known device set of a contact that has one; only a stranger's signer is looked up
    /// in the key directory. A contact's signer outside the known set raises the device-change
    /// warning and the envelope is not acted on.
    func verifiedContent(_ signed: SignedEnvelope, expectedSender: String?) async throws -> EnvelopeContent {
        let claimed = signed.claimed
        guard claimed.recipientAccount == identity.accountID else { throw LetterlockError.notForThisDevice }
        if let expectedSender, claimed.senderAccount != expectedSender { throw LetterlockError.badEnvelopeSignature }
        guard RelayClient.isRelayID(claimed.senderAccount) else { throw LetterlockError.malformedEnvelope }
        if let contact = try store.contact(claimed.senderAccount), !contact.devices.isEmpty {
            guard let device = contact.devices.first(where: { $0.deviceID == claimed.senderDevice }) else {
                if contact.devicesChangedAt == nil {
                    var flagged = contact
                    flagged.devicesChangedAt = now()
                    try store.saveContact(flagged)
                }
                throw LetterlockError.unknownSenderDevice
            }
            return try Self.checkedCard(try signed.verified(with: device.signingKey))
        }
        let directory: DeviceListResponse
        do {
            directory = try await relay.devices(of: claimed.senderAccount)
        } catch let error as RelayClientError where error == .notFound {
            throw LetterlockError.unknownSenderDevice
        }
        guard let device = directory.devices.first(where: { $0.deviceID == claimed.senderDevice }) else {
            throw LetterlockError.unknownSenderDevice
        }
        return try Self.checkedCard(try signed.verified(with: device.publicKey))
    }

    private static func checkedCard(_ content: EnvelopeContent) throws -> EnvelopeContent {
        if let card = content.card {
            guard card.version == ContactCard.currentVersion else { throw LetterlockError.unsupportedEnvelopeVersion }
            guard card.accountID == content.senderAccount else { throw LetterlockError.badEnvelopeSignature }
        }
        return content
    }

    private func handleRequest(_ entry: MailboxEntryBody, report: inout SyncReport) async throws -> EntryOutcome {
        guard let sender = entry.sender, RelayClient.isRelayID(sender) else { throw LetterlockError.malformedEnvelope }
        if try store.isBlocked(sender) {
            report.dropped += 1
            try await relay.answerRequest(entry.id, .block)
            return .keep
        }
        let envelope = try EnvelopeIn(parsing: entry.payload)
        let signed: SignedEnvelope
        switch envelope.protection {
        case .signed: signed = try envelope.openSigned()
        case .devices: signed = try envelope.open(deviceID: identity.deviceID, agreementKey: agreementKey)
        case .contactSecret: throw LetterlockError.malformedEnvelope
        }
        if signed.claimed.kind == .linkProof {
            // A new device's proof, read by the linking session; stale ones are junk (M4).
            guard isLiveLinkMessage(entry) else { throw LetterlockError.staleEnvelope }
            report.leftForLater += 1
            return .leave
        }
        let content = try await verifiedContent(signed, expectedSender: sender)
        guard let card = content.card else { throw LetterlockError.malformedEnvelope }
        // A card with a token or contact secret read by the relay would hand it both: such a card
        // is only believed when it arrived sealed.
        if envelope.protection == .signed, card.deliveryToken != nil || card.contactSecret != nil {
            throw LetterlockError.malformedEnvelope
        }
        switch content.kind {
        case .contactAccept where try store.contact(sender)?.state == .outgoing:
            // They accepted our request: keep their card and token, and send ours back.
            guard let token = card.deliveryToken, token.count == 32, let secret = card.contactSecret, secret.count == 32 else {
                throw LetterlockError.malformedEnvelope
            }
            let directory = try await relay.devices(of: sender)
            let existing = try store.contact(sender)
            let kept = keptDevices(existing: existing, directory: directory, card: card)
            var contact = Contact(
                accountID: sender, username: try await verifiedUsername(card.username, of: sender) ?? existing?.username, state: .accepted,
                deliveryToken: token, contactSecret: secret,
                devices: kept.devices, addedAt: existing?.addedAt ?? now(), devicesChangedAt: kept.changedAt)
            contact.lastCardSentAt = content.sentAt
            try store.saveContact(contact)
            try await sendCardAfterAccepting(contact)
            try await relay.answerRequest(entry.id, .accept)
            report.contactsUpdated.append(sender)
            return .keep
        case .contactRequest, .contactAccept:
            // A first message is read now, to be shown with the request; one that does not open
            // (not for our KeyPackages, a signer the directory does not list, not from the
            // sender) is not kept, and the request stays a plain request.
            var read: ReadFirstMessage?
            if content.kind == .contactRequest, let first = content.firstMessage {
                read = try await readFirstMessage(first, from: sender)
            }
            var request = PendingRequest(
                entryID: entry.id, senderAccount: sender, senderUsername: try await verifiedUsername(card.username, of: sender), card: card,
                receivedAt: Date(timeIntervalSince1970: TimeInterval(entry.receivedAt)))
            request.firstMessages = read?.texts ?? []
            try store.savePendingRequest(request, firstMessage: read == nil ? nil : content.firstMessage)
            report.newRequests += 1
            return .keep
        default:
            throw LetterlockError.malformedEnvelope
        }
    }

    private func handleInbox(_ entry: MailboxEntryBody, report: inout SyncReport) async throws -> EntryOutcome {
        let envelope = try EnvelopeIn(parsing: entry.payload)
        let signed: SignedEnvelope
        switch envelope.protection {
        case .signed: throw LetterlockError.malformedEnvelope  // identified mail only comes as requests
        case .devices: signed = try envelope.open(deviceID: identity.deviceID, agreementKey: agreementKey)
        case .contactSecret:
            guard let secret = contactSecret else { throw LetterlockError.notForThisDevice }
            signed = try envelope.open(secret: secret, recipientAccount: identity.accountID)
        }
        switch signed.claimed.kind {
        case .linkOffer, .linkProof, .linkComplete:
            // A device-link session reads these while it runs; later they are junk (M4).
            guard isLiveLinkMessage(entry) else { throw LetterlockError.staleEnvelope }
            report.leftForLater += 1
            return .leave
        default: break
        }
        let content = try await verifiedContent(signed, expectedSender: nil)
        let sender = content.senderAccount
        if try store.isBlocked(sender) {
            report.dropped += 1
            return .acknowledge
        }
        guard let card = content.card, let token = card.deliveryToken, token.count == 32, let secret = card.contactSecret, secret.count == 32
        else { throw LetterlockError.malformedEnvelope }
        let existing = try store.contact(sender)
        // Replays: a card older than the newest accepted from this account, or an introduction
        // older than anything the relay may still hold, is not acted on.
        if let last = existing?.lastCardSentAt, content.sentAt < last { throw LetterlockError.staleEnvelope }
        if content.kind == .contactIntroduction, content.sentAt < Int64(now().timeIntervalSince1970) - Self.replayHorizon {
            throw LetterlockError.staleEnvelope
        }
        switch content.kind {
        case .contactIntroduction:
            break  // they hold our invite link: a contact from now on
        case .contactCard where existing != nil:
            break  // the closing card of an accept, or a new token
        default:
            throw LetterlockError.malformedEnvelope
        }
        let directory = try await relay.devices(of: sender)
        let kept = keptDevices(existing: existing, directory: directory, card: card)
        var contact = Contact(
            accountID: sender, username: try await verifiedUsername(card.username, of: sender) ?? existing?.username, state: .accepted,
            deliveryToken: token, contactSecret: secret,
            devices: kept.devices, addedAt: existing?.addedAt ?? now(), devicesChangedAt: kept.changedAt)
        contact.lastCardSentAt = content.sentAt
        try store.saveContact(contact)
        if content.kind == .contactIntroduction { try await sendCardAfterAccepting(contact) }
        report.contactsUpdated.append(sender)
        return .acknowledge
    }

    /// A username a card claims, kept only if the relay's exact lookup gives the same account:
    /// cards are self-asserted, and a stranger must not appear in the contact list as "@bob".
    func verifiedUsername(_ claimed: String?, of account: String) async throws -> String? {
        guard let claimed, Username.isValid(claimed) else { return nil }
        do {
            return try await relay.lookUp(username: claimed) == account ? claimed : nil
        } catch let error as RelayClientError where error == .notFound {
            return nil
        }
    }
}
