public import Foundation
import MLS
import LetterlockFiles
import FileCipher
import LetterlockEnvelope
import WireFormat
public import RelayAPI

/// Receiving conversation messages: Welcomes, Commits, proposals and application messages from
/// the mailbox, in the relay's order.
extension LetterlockClient {
    /// What one ``receive()`` did.
    public struct ConversationReport: Sendable, Codable, Equatable {
        /// Conversations joined from a Welcome.
        public var joined: [String] = []
        /// New messages (text, renames, files) stored in the history.
        public var messages: [ConversationEntry] = []
        /// Commits processed (membership changes, self-updates).
        public var commits = 0
        /// Entries dropped: unreadable, of an old epoch, for no group of ours, duplicates.
        public var dropped = 0
        /// Entries left at the relay for later (a message that came before its Welcome, when
        /// the device's own room for such messages is full).
        public var deferred = 0
        /// Messages that came before their group's Welcome, kept on this device until it
        /// arrives (acknowledged at the relay).
        public var early = 0
        /// Contacts and requests (the envelope layer's report).
        public var contacts = SyncReport()
        /// Messages of ours that were re-sent after ``ConversationConfiguration/resendLimit``
        /// concurrent Commits and were still hit by another: the others may not have them. Send
        /// them again (they stay in ``LetterlockClient/undeliveredMessages()`` until dismissed).
        public var undelivered: [ConversationEntry] = []
    }

    enum ConversationOutcome {
        case acknowledge
        case deferred
    }

    /// Fetches and handles everything queued: contact envelopes first (``sync()``), then
    /// conversation messages in mailbox order, each applied in one transaction with its entry
    /// id before the entry is acknowledged; then finishes Commits a crash interrupted (sends a
    /// pending Commit again, or its Welcome), re-sends what a concurrent commit may have made
    /// unreadable, commits pending leave proposals, adds this account's new devices to its
    /// groups, and refills KeyPackages.
    @discardableResult
    public func receive() async throws -> ConversationReport {
        var report = try await receiveConversations(allowCommits: true, contacts: try await sync())
        try await sendUnsentRequests()
        var directory: [String: Set<String>] = [:]
        for conversation in try conversations() {
            do {
                guard conversation.active else {
                    try await continueLeaving(conversation.id)
                    continue
                }
                // One load serves every check below; a step that changed the group state
                // makes the next refresh decode it again (``refreshed(_:)``).
                var loaded = try loadGroup(conversation.id)
                if loaded.group.hasPendingCommit {
                    try await resumeInterruptedCommit(conversation.id)
                } else {
                    try await sendPendingWelcomes(conversation.id)
                }
                try await retryUndelivered(conversation.id)
                loaded = try refreshed(loaded)
                report.commits += try await removeRevokedDevices(loaded, cache: &directory) ? 1 : 0
                loaded = try refreshed(loaded)
                report.commits += try await commitPendingLeaves(loaded) ? 1 : 0
                loaded = try refreshed(loaded)
                report.commits += try await addMissingOwnDevices(loaded) ? 1 : 0
            } catch let error as RelayClientError where error.isTransient {
                throw error
            } catch {
                continue  // one group's trouble must not stop the others
            }
        }
        _ = try? await refillKeyPackages()
        return report
    }

    /// Handles one pushed entry that is not an envelope (for ``PushConnection`` users).
    public func handleConversationEntry(_ entry: MailboxEntryBody) async throws -> ConversationReport {
        var report = ConversationReport()
        var autoCommit: Set<String> = []
        _ = try await handle(entry, report: &report, autoCommit: &autoCommit)
        return report
    }

    func receiveConversations(allowCommits: Bool, contacts: SyncReport = SyncReport()) async throws -> ConversationReport {
        var report = ConversationReport()
        report.contacts = contacts
        var autoCommit: Set<String> = []
        var deferred: [MailboxEntryBody] = []
        var after: Int64?
        while true {
            let page = try await relay.mailbox(.inbox, after: after)
            guard let last = page.last else { break }
            var acknowledged: [Int64] = []
            for entry in page where !Envelope.isEnvelope(entry.payload) {
                switch try await handle(entry, report: &report, autoCommit: &autoCommit) {
                case .acknowledge: acknowledged.append(entry.id)
                case .deferred: deferred.append(entry)
                }
            }
            try await relay.acknowledge(acknowledged)
            after = last.id
        }
        // A message that overtook its Welcome: try once more now that groups may have been joined.
        if !report.joined.isEmpty, !deferred.isEmpty {
            var acknowledged: [Int64] = []
            var still: [MailboxEntryBody] = []
            for entry in deferred {
                switch try await handle(entry, report: &report, autoCommit: &autoCommit) {
                case .acknowledge: acknowledged.append(entry.id)
                case .deferred: still.append(entry)
                }
            }
            try await relay.acknowledge(acknowledged)
            deferred = still
        }
        report.deferred = deferred.count
        try await handleEarlyMessages(report: &report, autoCommit: &autoCommit)
        if allowCommits {
            for id in autoCommit.sorted() {
                _ = try? await commitPendingLeaves(id)
            }
        }
        return report
    }

    func handle(_ entry: MailboxEntryBody, report: inout ConversationReport, autoCommit: inout Set<String>) async throws -> ConversationOutcome {
        if try store.wasProcessed(entry.id) { return .acknowledge }
        let drop = { (report: inout ConversationReport) throws -> ConversationOutcome in
            report.dropped += 1
            try self.store.markProcessed(entry.id, at: self.now())
            return .acknowledge
        }
        guard let message = try? MLSMessage(wireBytes: Array(entry.payload)) else { return try drop(&report) }
        let groupID: [UInt8]
        switch message.body {
        case .welcome(let welcome):
            guard let id = try await join(welcome, entryID: entry.id) else { return try drop(&report) }
            report.joined.append(id)
            try await handleEarlyMessages(id, report: &report, autoCommit: &autoCommit)
            return .acknowledge
        case .privateMessage(let value): groupID = value.groupID
        case .publicMessage(let value): groupID = value.content.groupID
        case .groupInfo, .keyPackage: return try drop(&report)
        }
        let id = Self.hex(groupID)
        guard let stored = try store.storedConversation(id) else {
            // Maybe its Welcome is still on the way: keep it here until then (a day at most).
            let settings = conversationSettings
            if Int64(now().timeIntervalSince1970) - entry.receivedAt > settings.earlyMessageLifetime { return try drop(&report) }
            let early = DeviceStore.EarlyMessage(entryID: entry.id, groupID: id, payload: entry.payload, receivedAt: entry.receivedAt)
            let limits = DeviceStore.EarlyMessageLimits(
                perGroup: settings.earlyMessagesPerGroup, total: settings.earlyMessagesTotal, totalBytes: settings.earlyMessageBytes)
            guard try store.keepEarlyMessage(early, limits: limits) else { return .deferred }
            report.early += 1
            return .acknowledge
        }
        if !stored.conversation.active, let leaving = try loadLeavingGroup(id) {
            report.commits += try handleWhileLeaving(leaving, message, entryID: entry.id) ? 1 : 0
            return .acknowledge
        }
        guard stored.conversation.active, stored.sealedState != nil else { return try drop(&report) }
        var loaded = try loadGroup(id)
        if loaded.group.isPendingCommit(message) {
            // Our own Commit, left pending by a crash or a lost answer, in the relay's order:
            // it won the epoch. Merge it; its Welcome goes out with the next maintenance.
            try mergePendingCommit(&loaded, processedEntry: entry.id)
            report.commits += 1
            return .acknowledge
        }
        let previousEpoch = loaded.group.epochNumber
        let result: ProcessedMessage
        do {
            result = try loaded.group.process(message)
        } catch {
            return try drop(&report)  // an old epoch, a forgery, our own commit echoed: nothing to apply
        }
        var updated = try record(loaded)
        switch result {
        case .application(let application):
            guard let sender = LetterlockIdentity(credential: application.credential) else { return try drop(&report) }
            let senderAccount = Self.hex(sender.accountID)
            guard let content = try? ConversationMessageIn(application.data).validated() else {
                try store.apply(.init(conversation: updated, processedEntry: entry.id))
                report.dropped += 1
                return .acknowledge
            }
            if try store.isBlocked(senderAccount) || store.hasMessage(groupID: id, messageID: content.id) {
                try store.apply(.init(conversation: updated, processedEntry: entry.id))
                report.dropped += 1
                return .acknowledge
            }
            switch content.kind {
            case .info:
                updated.conversation.kind = content.conversation ?? updated.conversation.kind
                if let name = content.name { updated.conversation.name = name }
                if updated.conversation.kind == .direct {
                    updated.conversation.peerAccount = updated.conversation.members.first { $0 != identity.accountID }
                }
                let members = Set(updated.conversation.members)
                for (account, token) in content.tokens ?? [:] where members.contains(account) && account != identity.accountID {
                    updated.tokens[account] = token
                }
                try store.apply(.init(conversation: updated, processedEntry: entry.id))
                return .acknowledge
            case .rename:
                updated.conversation.name = content.name
            case .text, .file:
                break
            }
            var manifest: (name: String, size: Int64, sealed: Data)?
            if let file = content.file {
                guard let decoded = try? FileManifest(decoding: file) else {
                    try store.apply(.init(conversation: updated, processedEntry: entry.id))
                    report.dropped += 1
                    return .acknowledge
                }
                manifest = (decoded.name, decoded.plaintextSize, try sealer.seal(Array(file), context: "file " + id + " " + content.id))
            }
            let stored = ConversationEntry(
                sequence: 0, conversationID: id, messageID: content.id, senderAccount: senderAccount, senderDevice: Self.hex(sender.deviceID),
                kind: content.kind, text: content.text, name: content.name, fileName: manifest?.name, fileSize: manifest?.size,
                sentAt: Date(timeIntervalSince1970: TimeInterval(content.sentAt)), receivedAt: now(), outgoing: false)
            if try store.apply(.init(conversation: updated, message: stored, sealedManifest: manifest?.sealed, processedEntry: entry.id)) {
                report.messages.append(stored)
            }
            return .acknowledge
        case .proposal(let proposal):
            try store.apply(.init(conversation: updated, processedEntry: entry.id))
            if case .remove = proposal.proposal, Self.hasLeaveToCommit(loaded.group, ownAccount: identity.accountID) {
                autoCommit.insert(id)  // a member leaving: commit it for them (never our own account's leave)
            }
            return .acknowledge
        case .commit(let summary):
            report.commits += 1
            if summary.removedUs {
                updated.conversation.active = false
                updated.sealedState = nil
                try store.apply(.init(conversation: updated, processedEntry: entry.id))
                return .acknowledge
            }
            let members = Set(updated.conversation.members)
            updated.tokens = updated.tokens.filter { members.contains($0.key) }
            // Messages we sent in the previous epoch may have reached the relay after this
            // Commit: the others can no longer read them. Re-send them in the new epoch.
            let resend = try store.outbox(id).filter { $0.epoch == previousEpoch && !$0.failed }
            try store.apply(.init(conversation: updated, processedEntry: entry.id, outboxPruneBelow: (id, previousEpoch)))
            if !resend.isEmpty {
                // A failed delivery leaves them pending: ``retryUndelivered(_:)`` sends them later.
                if let failed = try? await self.resend(resend, in: id, afterCommit: true) { report.undelivered += failed }
            }
            return .acknowledge
        }
    }

    /// Handles the kept messages (``DeviceStore/keepEarlyMessage(_:limits:)``) of `groupID`, or
    /// of every group this device now has (a join a crash or an accept left unreplayed), in
    /// mailbox order; forgets those whose Welcome did not come within
    /// ``ConversationConfiguration/earlyMessageLifetime``.
    func handleEarlyMessages(_ groupID: String? = nil, report: inout ConversationReport, autoCommit: inout Set<String>) async throws {
        if groupID == nil {
            let cutoff = Int64(now().timeIntervalSince1970) - conversationSettings.earlyMessageLifetime
            report.dropped += try store.expireEarlyMessages(receivedBefore: cutoff)
        }
        for id in try groupID.map({ [$0] }) ?? store.earlyMessageGroups() where try store.storedConversation(id) != nil {
            for early in try store.earlyMessages(id) {
                let entry = MailboxEntryBody(id: early.entryID, queue: "inbox", payload: early.payload, sender: nil, receivedAt: early.receivedAt)
                // The group exists now, so this is handled (or dropped), never kept again; an
                // entry handled before a crash is recognised by its id.
                _ = try await handle(entry, report: &report, autoCommit: &autoCommit)
                try store.deleteEarlyMessage(early.entryID)
            }
        }
    }

    /// A group opened from a Welcome, not yet saved.
    struct OpenedWelcome {
        var group: MLSGroup
        /// The stored KeyPackage the Welcome was for (deleted when the join is saved).
        var keyPackageReference: Data
        /// The account whose device signed the GroupInfo (the member that added us).
        var signerAccount: String
        /// That account's devices as the key directory listed them for the check (so a caller
        /// checking more leaves of the same account need not ask again).
        var signerDevices: [DeviceBody]
    }

    /// Opens a Welcome addressed to one of our stored KeyPackages (RFC 9420 §12.4.3.1), without
    /// saving anything. Beyond the MLS checks (tree, leaf signatures, GroupInfo signature and
    /// confirmation tag), the GroupInfo's signer must be a device the key directory lists for
    /// the account its credential names, with the same signature key: a Welcome from a key the
    /// directory does not list, or from a blocked account, is refused (nil). Nil too when it is
    /// for none of our KeyPackages or does not open; a transient relay error is thrown.
    func openWelcome(_ welcome: Welcome) async throws -> OpenedWelcome? {
        guard let stored = try welcome.secrets.lazy.compactMap({ try self.store.storedKeyPackage(reference: Data($0.newMember)) }).first else {
            return nil
        }
        let crypto = try CryptoSuite(CipherSuite(rawValue: stored.cipherSuite))
        let keys = try keyPackageKeys(stored, crypto: crypto)
        guard let keyPackage = try? KeyPackageIn(wireBytes: Array(stored.keyPackage)),
            let group = try? MLSGroup(joining: welcome, keyPackage: keyPackage, privateKeys: keys, configuration: mlsConfiguration()),
            // The join verified the GroupInfo's signature with the signer's leaf; which leaf
            // that is sits inside the encrypted GroupInfo (our groups use no PSKs).
            let secrets = try? welcome.decryptGroupSecrets(keyPackageRef: Array(stored.reference), initKey: keys.initKey, crypto: crypto),
            let groupInfo = try? welcome.decryptGroupInfo(joinerSecret: secrets.joinerSecret, pskSecret: nil, crypto: crypto),
            let signer = group.members.first(where: { $0.leafIndex == groupInfo.signer }),
            let named = LetterlockIdentity(credential: signer.credential)
        else { return nil }
        let account = Self.hex(named.accountID)
        let device = Self.hex(named.deviceID)
        guard try !store.isBlocked(account) else { return nil }
        let directory: DeviceListResponse
        do {
            directory = try await relay.devices(of: account)
        } catch let error as RelayClientError where !error.isTransient {
            return nil  // no such account
        }
        guard directory.devices.contains(where: { $0.deviceID == device && Array($0.publicKey) == signer.signatureKey }) else { return nil }
        return OpenedWelcome(group: group, keyPackageReference: stored.reference, signerAccount: account, signerDevices: directory.devices)
    }

    /// Joins a group from a Welcome (``openWelcome(_:)``) and saves it; nil when the Welcome is
    /// refused or is for a group we are already in.
    func join(_ welcome: Welcome, entryID: Int64?) async throws -> String? {
        guard let opened = try await openWelcome(welcome) else { return nil }
        return try saveJoined(opened, kind: .group, peerAccount: nil, processedEntry: entryID)
    }

    /// Saves a group opened from a Welcome as a new conversation, with the mailbox entry it came
    /// in; nil when we are already in it. The init key is deleted with the join (RFC 9420 §16.8),
    /// in the same transaction.
    func saveJoined(_ opened: OpenedWelcome, kind: ConversationKind, peerAccount: String?, processedEntry: Int64?) throws -> String? {
        let id = Self.hex(opened.group.groupID)
        if let existing = try store.storedConversation(id), existing.conversation.active { return nil }
        let conversation = Conversation(
            id: id, kind: kind, name: nil, peerAccount: peerAccount, members: [], epoch: opened.group.epochNumber, active: true, createdAt: now())
        let record = try record(
            LoadedGroup(
                stored: .init(conversation: conversation, sealedState: nil, tokens: [:], lastUpdateAt: now(), messagesSinceUpdate: 0),
                group: opened.group))
        try store.apply(.init(conversation: record, processedEntry: processedEntry, consumedKeyPackage: opened.keyPackageReference))
        return id
    }

    /// Re-encrypts outbox messages in the current epoch and sends them again.
    ///
    /// `afterCommit`: they are re-sent because a Commit may have made their last encryption
    /// unreadable; each such re-send counts, and a message past
    /// ``ConversationConfiguration/resendLimit`` is marked failed instead and returned (its
    /// history entry), never dropped silently. The new encryptions are saved as pending before
    /// they are sent, so a failed send is retried by ``retryUndelivered(_:)``.
    @discardableResult
    func resend(_ items: [DeviceStore.OutboxItem], in conversationID: String, afterCommit: Bool) async throws -> [ConversationEntry] {
        var loaded = try loadGroup(conversationID)
        // Before anything changes: a 1:1 chat still waiting for its accept keeps them pending.
        let recipients = try recipients(loaded.group, loaded.stored)
        var ciphertexts: [MLSMessage] = []
        var updated: [DeviceStore.OutboxItem] = []
        var failed: [DeviceStore.OutboxItem] = []
        for item in items {
            var next = item
            if afterCommit && !item.pending {
                guard item.attempts < conversationSettings.resendLimit else {
                    next.failed = true
                    failed.append(next)
                    continue
                }
                next.attempts += 1
            }
            let plaintext = try sealer.open(item.sealedPlaintext, context: "outbox " + conversationID + " " + item.messageID)
            ciphertexts.append(try loaded.group.encrypt(plaintext))
            next.epoch = loaded.group.epochNumber
            next.pending = true
            updated.append(next)
        }
        let stored = try record(loaded)
        try store.apply(.init(conversation: stored, outboxInsert: updated + failed))
        for ciphertext in ciphertexts { try await deliverToMembers(ciphertext, loaded.group, to: recipients) }
        try store.apply(.init(outboxInsert: updated.map { item in
            var sent = item
            sent.pending = false
            return sent
        }))
        return try failed.compactMap { try store.conversationEntry(groupID: conversationID, messageID: $0.messageID) }
    }

    /// Sends again what a failed send (or a 1:1 chat waiting for its accept) left pending.
    func retryUndelivered(_ conversationID: String) async throws {
        let pending = try store.outbox(conversationID).filter { $0.pending && !$0.failed }
        guard !pending.isEmpty else { return }
        try await resend(pending, in: conversationID, afterCommit: false)
    }

    /// Messages of ours whose re-sending gave up (``ConversationReport/undelivered``), oldest
    /// first, until ``dismissUndelivered(_:)``.
    public func undeliveredMessages() throws -> [ConversationEntry] { try store.failedOutboxEntries() }

    /// Forgets reported undelivered messages (after the user was shown them).
    public func dismissUndelivered(_ entries: [ConversationEntry]) throws {
        try store.apply(.init(outboxDelete: entries.map { ($0.conversationID, $0.messageID) }))
    }

    /// A device newly linked to this account joins its groups: any device the relay lists for
    /// this account that is not in the group's tree is added (its KeyPackage claimed and
    /// checked). Returns true when a Commit was made.
    func addMissingOwnDevices(_ loaded: LoadedGroup) async throws -> Bool {
        let conversationID = loaded.id
        let inTree = Set(Self.memberDevices(loaded.group).map(\.device))
        let listed = try await relay.ownDevices().devices.map(\.deviceID)
        guard listed.contains(where: { !inTree.contains($0) }) else { return false }
        let before = loaded.group.epochNumber
        try await add(accounts: [identity.accountID], to: conversationID)
        return try loadGroup(conversationID).group.epochNumber != before
    }
}

extension LetterlockClient {
    /// The light path for an interactive chat polling often: conversation messages only (one
    /// mailbox fetch when nothing is queued), without the contact sync and maintenance of
    /// ``receive()``.
    @discardableResult
    public func receiveMessages() async throws -> ConversationReport {
        try await receiveConversations(allowCommits: true)
    }
}
