import Crypto
public import Foundation
public import LetterlockFiles
public import FileCipher
import MLS
import RelayAPI

/// Conversations over MLS (issue 5 item 3): 1:1 chats and groups, text, renames, files.
///
/// A conversation is an MLS group whose members are every device of every member account
/// (RFC 9420; 1:1 chats are two-account groups). Handshake and application messages travel as
/// MLS `PrivateMessage`s in sealed sends (the relay learns neither sender nor content; it reads
/// only the framing header to order commits). See docs/client.md "Conversations".
extension LetterlockClient {
    // MARK: Reading

    public func conversations() throws -> [Conversation] { try store.storedConversations().map(\.conversation) }

    public func conversation(_ id: String) throws -> Conversation {
        guard let stored = try store.storedConversation(id) else { throw ConversationError.unknownConversation }
        return stored.conversation
    }

    /// The MLS cipher suite a conversation's group runs on (its GroupContext's `cipher_suite`).
    public func cipherSuite(ofConversation id: String) throws -> UInt16 {
        try loadGroup(id).group.cipherSuite.rawValue
    }

    /// The 1:1 conversation with `account`, if one exists and this device is in it.
    public func directConversation(with account: String) throws -> Conversation? {
        try conversations().first { $0.kind == .direct && $0.peerAccount == account && $0.active }
    }

    /// History, oldest first; `after` is a ``ConversationEntry/sequence``.
    public func messages(in id: String? = nil, after: Int64 = 0, limit: Int = 1_000) throws -> [ConversationEntry] {
        try store.conversationEntries(id, after: after, limit: limit)
    }

    /// `entry` as the history stores it: entries handed back by ``send(_:in:)`` and reports
    /// carry sequence 0; the stored one has its place in the history.
    public func storedMessage(_ entry: ConversationEntry) throws -> ConversationEntry {
        try store.conversationEntry(groupID: entry.conversationID, messageID: entry.messageID) ?? entry
    }

    /// A conversation named on the command line: a group name, a contact's username (their
    /// 1:1 chat), an account id, or a conversation id.
    public func findConversation(_ name: String) async throws -> Conversation {
        let all = try conversations().filter(\.active)
        if let match = all.first(where: { $0.id == name }) { return match }
        if let match = all.first(where: { $0.kind == .group && $0.name == name }) { return match }
        if let contact = try store.contact(username: name), let direct = try directConversation(with: contact.accountID) { return direct }
        if RelayClient.isRelayID(name), let direct = try directConversation(with: name) { return direct }
        throw ConversationError.unknownConversation
    }

    // MARK: Creating

    /// The 1:1 chat with a contact (username or account id), created when there is none: a new
    /// group with this device, then one Commit adding every device of theirs and every other
    /// device of this account (KeyPackages claimed from the relay and checked against the key
    /// directory), the Welcome sealed to the new devices, and an `info` message.
    @discardableResult
    public func startConversation(with name: String) async throws -> Conversation {
        let account = try await acceptedContact(name)
        if let existing = try directConversation(with: account) { return existing }
        let id = try createGroup(kind: .direct, name: nil, peer: account)
        try await add(accounts: [account, identity.accountID], to: id)
        return try conversation(id)
    }

    /// A new group named `name` with the given contacts (and this account's other devices).
    @discardableResult
    public func createGroup(named name: String, members: [String]) async throws -> Conversation {
        guard !name.isEmpty, name.utf8.count <= ConversationMessageIn.maximumNameBytes else { throw ConversationError.invalidName }
        var accounts: [String] = []
        for member in members { accounts.append(try await acceptedContact(member)) }
        let id = try createGroup(kind: .group, name: name, peer: nil)
        try await add(accounts: accounts + [identity.accountID], to: id)
        return try conversation(id)
    }

    /// Adds contacts (every device of each) to a group.
    public func addMembers(_ names: [String], to conversationID: String) async throws {
        let current = try conversation(conversationID)
        guard current.kind == .group else { throw ConversationError.notAGroup }
        var accounts: [String] = []
        for name in names {
            let account = try await acceptedContact(name)
            if current.members.contains(account) { throw ConversationError.alreadyMember }
            accounts.append(account)
        }
        try await add(accounts: accounts, to: conversationID)
    }

    /// Removes an account (all its devices) from a group.
    public func removeMember(_ name: String, from conversationID: String) async throws {
        let current = try conversation(conversationID)
        guard current.kind == .group else { throw ConversationError.notAGroup }
        let account = try await resolve(name)
        guard current.members.contains(account), account != identity.accountID else { throw ConversationError.notAMember }
        _ = try await commit(in: conversationID) { group in
            let leaves = Self.memberDevices(group).filter { $0.account == account }.map(\.leaf)
            return leaves.isEmpty ? nil : CommitOptions(removing: leaves, encrypted: true)
        }
        var stored = try loadGroup(conversationID).stored
        stored.tokens[account] = nil
        try store.apply(.init(conversation: stored))
    }

    /// Leaves a conversation: sends Remove proposals for every device of this account (a
    /// member cannot commit its own removal, RFC 9420 §12.2; the other members commit them on
    /// receipt). The conversation is inactive at once; the group state is kept, reading only
    /// Commits, until one removes this device: if another member's Commit wins the epoch first
    /// (the proposals lapse with it), ``receive()`` proposes again in the new epoch.
    ///
    /// When only this account's devices are left in the group, nobody could commit those
    /// proposals: this device commits the removal of the account's other devices itself (they
    /// drop the group when they process it) and then forgets the group here
    /// (``leaveOwnAccountGroup(_:)``).
    public func leave(_ conversationID: String) async throws {
        try await resumeInterruptedCommit(conversationID)
        var loaded = try loadGroup(conversationID)
        if Self.memberDevices(loaded.group).allSatisfy({ $0.account == identity.accountID }), try await leaveOwnAccountGroup(conversationID) {
            return
        }
        loaded = try loadGroup(conversationID)
        try await proposeOwnRemoval(&loaded)
    }

    /// Renames a group. The name travels only inside the group (a `rename` application message).
    public func rename(_ conversationID: String, to name: String) async throws {
        guard !name.isEmpty, name.utf8.count <= ConversationMessageIn.maximumNameBytes else { throw ConversationError.invalidName }
        guard try conversation(conversationID).kind == .group else { throw ConversationError.notAGroup }
        try await send(ConversationMessage(kind: .rename, sentAt: Int64(now().timeIntervalSince1970), name: name), in: conversationID)
    }

    // MARK: Sending

    /// Sends text to a conversation (creating the 1:1 chat with a contact on first use when
    /// `name` is not a conversation).
    @discardableResult
    public func sendText(_ text: String, to conversationID: String) async throws -> ConversationEntry {
        guard !text.isEmpty, text.utf8.count <= ConversationMessageIn.maximumTextBytes else { throw ConversationError.malformedMessage }
        return try await send(ConversationMessage(kind: .text, sentAt: Int64(now().timeIntervalSince1970), text: text), in: conversationID)
    }

    /// Encrypts and uploads a file (LetterlockFiles), then sends a `file` message carrying its
    /// manifest (blob id and key): only the group's members can fetch and decrypt it.
    @discardableResult
    public func sendFile(
        _ file: URL, name: String? = nil, to conversationID: String, progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws -> ConversationEntry {
        _ = try loadGroup(conversationID)  // fail before uploading
        let manifest = try await fileTransfer().send(file, name: name, progress: progress)
        return try await send(
            ConversationMessage(kind: .file, sentAt: Int64(now().timeIntervalSince1970), file: manifest.encoded), in: conversationID)
    }

    /// Downloads, verifies and decrypts the file of a `file` message to `destination` (an
    /// existing file there is refused unless `replacingExisting`).
    public func downloadFile(
        _ entry: ConversationEntry, to destination: URL, replacingExisting: Bool = false,
        progress: (@Sendable (TransferProgress) -> Void)? = nil
    ) async throws {
        guard entry.kind == .file, let sealed = try store.sealedManifest(groupID: entry.conversationID, messageID: entry.messageID) else {
            throw ConversationError.unknownConversation
        }
        let manifest = try FileManifest(decoding: try sealer.open(sealed, context: "file " + entry.conversationID + " " + entry.messageID))
        try await fileTransfer().receive(manifest, to: destination, replacingExisting: replacingExisting, progress: progress)
    }

    func fileTransfer() throws -> FileTransfer {
        guard let url = URL(string: relay.baseURL) else { throw RelayClientError.invalidURL }
        return FileTransfer(blobs: BlobClient(relay: url, signer: DeviceRequestSigner(deviceID: identity.deviceID, key: signingKey, now: now), httpClient: relay.http))
    }

    /// Encrypts `message` in the group's current epoch and sends it to every other member
    /// device. The new group state (its sending ratchet moved on), the history entry and an
    /// outbox copy are saved *before* the send, so a key is never used twice and a message
    /// that fails to go out is retried by ``receive()``.
    @discardableResult
    func send(_ message: ConversationMessage, in conversationID: String, maintenance: Bool = true) async throws -> ConversationEntry {
        if maintenance {
            try await resumeInterruptedCommit(conversationID)
            try await selfUpdateIfDue(conversationID)
        }
        var loaded = try loadGroup(conversationID)
        let plaintext = try message.encoded()
        let ciphertext = try loaded.group.encrypt(plaintext)
        var stored = try record(loaded)
        stored.messagesSinceUpdate += 1
        if message.kind == .rename { stored.conversation.name = message.name }
        if message.kind == .info, let tokens = message.tokens { stored.tokens.merge(tokens) { _, new in new } }
        let entry = ConversationEntry(
            sequence: 0, conversationID: conversationID, messageID: message.id, senderAccount: identity.accountID, senderDevice: identity.deviceID,
            kind: message.kind, text: message.text, name: message.name, fileName: try message.file.map { try FileManifest(decoding: $0).name },
            fileSize: try message.file.map { try FileManifest(decoding: $0).plaintextSize },
            sentAt: Date(timeIntervalSince1970: TimeInterval(message.sentAt)), receivedAt: now(), outgoing: true)
        let outbox = DeviceStore.OutboxItem(
            groupID: conversationID, messageID: message.id, epoch: loaded.group.epochNumber,
            sealedPlaintext: try sealer.seal(plaintext, context: "outbox " + conversationID + " " + message.id), attempts: 0, pending: true)
        try store.apply(
            .init(
                conversation: stored, message: message.kind == .info ? nil : entry,
                sealedManifest: try message.file.map { try sealer.seal(Array($0), context: "file " + conversationID + " " + message.id) },
                outboxInsert: [outbox]))
        let recipients: [(deviceID: String, token: Data)]
        do {
            recipients = try self.recipients(loaded.group, stored)
        } catch let error as ConversationError where error == .missingDeliveryToken && stored.conversation.kind == .direct {
            // The other side has not accepted our request (or its card is on the way): the
            // message waits in the outbox (pending) for ``retryUndelivered(_:)``.
            return entry
        }
        try await deliverToMembers(ciphertext, loaded.group, to: recipients)
        var sent = outbox
        sent.pending = false
        try store.apply(.init(outboxInsert: [sent]))
        return entry
    }

    // MARK: Commits

    /// Post-compromise security: a Commit with a fresh UpdatePath when this device sent
    /// ``ConversationConfiguration/selfUpdateAfterMessages`` messages or
    /// ``ConversationConfiguration/selfUpdateAfterSeconds`` passed since its last path.
    func selfUpdateIfDue(_ conversationID: String) async throws {
        let settings = conversationSettings
        let loaded = try loadGroup(conversationID)
        let stored = loaded.stored
        // A 1:1 chat waiting for the other side's accept cannot commit (they cannot be reached).
        guard (try? recipients(loaded.group, stored)) != nil else { return }
        let age = Int64(now().timeIntervalSince(stored.lastUpdateAt))
        guard stored.messagesSinceUpdate >= settings.selfUpdateAfterMessages || age >= settings.selfUpdateAfterSeconds else { return }
        try await selfUpdate(conversationID)
    }

    /// Commits an UpdatePath now (a self-update), whatever the counters say.
    public func selfUpdate(_ conversationID: String) async throws {
        _ = try await commit(in: conversationID) { _ in CommitOptions(includePath: true, encrypted: true) }
    }

    /// Builds a Commit with `build` on the current state, saves the group with the Commit
    /// pending, sends the Commit to the current members (and this device), and merges it once
    /// the relay accepted it. On `commit_conflict` (another member's Commit won the epoch,
    /// docs/relay.md) it discards ours, catches up (processing the winner), and builds again on
    /// the new epoch; `build` returning nil means nothing is left to do. Added devices get the
    /// Welcome, and the group the `info` message, after the merge. A crash at any step is
    /// finished by the next ``receive()`` (`LetterlockClient+CommitRecovery.swift`). Returns the
    /// merged summary.
    func commit(in conversationID: String, build: (MLSGroup) throws -> CommitOptions?) async throws -> CommitSummary? {
        try await resumeInterruptedCommit(conversationID)
        var conflicts = 0
        var tokenWaits = 0
        while true {
            var loaded = try loadGroup(conversationID)
            guard let options = try build(loaded.group) else { return nil }
            guard deliveryToken != nil else { throw ConversationError.missingDeliveryToken }
            do {
                _ = try recipients(loaded.group, loaded.stored)  // fail before committing when a member is unreachable
            } catch let error as ConversationError where error == .missingDeliveryToken && tokenWaits < conversationSettings.memberTokenWaits {
                // Another member's Commit added an account we hold no token for: its `info`,
                // carrying the token, follows that Commit once its sender saw it accepted
                // (``sendPendingWelcomes(_:)``). Fetch it rather than fail: this is the window
                // two members adding at once hit (the loser rebuilds on the winner's epoch).
                try conversationSettings.interruption?(.awaitingMemberToken)
                try await Task.sleep(for: .milliseconds(50 << tokenWaits))
                tokenWaits += 1
                _ = try await receiveConversations(allowCommits: false)
                continue
            }
            _ = try loaded.group.commit(options)
            try store.apply(.init(conversation: try record(loaded)))
            try conversationSettings.interruption?(.pendingCommitSaved)
            switch try await sendPendingCommit(&loaded) {
            case .merged(let summary):
                try await sendPendingWelcomes(conversationID)
                return summary
            case .lost, nil:
                conflicts += 1
                guard conflicts <= conversationSettings.conflictRetries else { throw ConversationError.conflictRetriesExhausted }
                _ = try await receiveConversations(allowCommits: false)
            }
        }
    }

    /// Adds every device of `accounts` not yet in the group, then tells the group the
    /// conversation's kind, name and every member account's delivery token (`info`).
    func add(accounts: [String], to conversationID: String) async throws {
        var packages: [KeyPackageIn] = []
        let present = Set(Self.memberDevices(try loadGroup(conversationID).group).map(\.device))
        for account in Set(accounts) { packages += try await claimKeyPackages(of: account, excludingDevices: present) }
        if packages.isEmpty {
            // Our own other devices may have none; another account with none cannot be added.
            if accounts.contains(where: { $0 != identity.accountID }) { throw ConversationError.noKeyPackage }
            return
        }
        // The merge of a Commit with adds sends the Welcome and the group's `info`.
        _ = try await commit(in: conversationID) { group in
            let inTree = Set(Self.memberDevices(group).map(\.device))
            let remaining = packages.filter { package in
                LetterlockIdentity(credential: package.leafNode.credential).map { !inTree.contains(Self.hex($0.deviceID)) } ?? false
            }
            return remaining.isEmpty ? nil : CommitOptions(adding: remaining, encrypted: true)
        }
    }

    /// The `info` message: kind, name, and the tokens of every member account this device knows.
    func sendInfo(_ conversationID: String) async throws {
        let loaded = try loadGroup(conversationID)
        var tokens: [String: Data] = [:]
        for account in loaded.stored.conversation.members {
            if let token = try token(for: account, in: loaded.stored) { tokens[account] = token }
        }
        let c = loaded.stored.conversation
        // Sent as part of finishing a Commit: no maintenance (no self-update, no resumption) first.
        try await send(
            ConversationMessage(kind: .info, sentAt: Int64(now().timeIntervalSince1970), name: c.name, conversation: c.kind, tokens: tokens),
            in: conversationID, maintenance: false)
    }

    /// An `info` message carrying only this account's current delivery token (after a
    /// rotation), with the conversation's kind and name.
    func shareOwnToken(_ conversationID: String) async throws {
        guard let token = deliveryToken else { return }
        let c = try conversation(conversationID)
        try await send(
            ConversationMessage(
                kind: .info, sentAt: Int64(now().timeIntervalSince1970), name: c.name, conversation: c.kind, tokens: [identity.accountID: token]),
            in: conversationID, maintenance: false)
    }

    /// A new empty group with only this device, saved.
    func createGroup(kind: ConversationKind, name: String?, peer: String?) throws -> String {
        let group = try newGroup()
        let id = Self.hex(group.groupID)
        let conversation = Conversation(
            id: id, kind: kind, name: name, peerAccount: peer, members: [identity.accountID], epoch: 0, active: true, createdAt: now())
        let stored = DeviceStore.StoredConversation(conversation: conversation, sealedState: nil, tokens: [:], lastUpdateAt: now(), messagesSinceUpdate: 0)
        try store.apply(.init(conversation: try record(LoadedGroup(stored: stored, group: group))))
        return id
    }

    /// A new MLS group (random 16-byte id) with only this device, in memory.
    func newGroup() throws -> MLSGroup {
        let crypto = try CryptoSuite(conversationSuite)
        let bundle = try KeyPackageBundle(
            crypto: crypto, identity: try mlsIdentity(), signatureKey: try mlsSigner(crypto), now: UInt64(now().timeIntervalSince1970))
        var random = SystemRandomNumberGenerator()
        let groupID = (0..<16).map { _ in UInt8.random(in: 0...255, using: &random) }
        return try MLSGroup(
            creating: groupID, cipherSuite: conversationSuite, leafNode: bundle.keyPackage.leafNode, encryptionKey: bundle.privateKeys.encryptionKey,
            signer: bundle.privateKeys.signatureKey, configuration: mlsConfiguration())
    }

    /// An accepted contact's account (we hold their delivery token).
    func acceptedContact(_ name: String) async throws -> String {
        let account = try await resolve(name)
        guard try !store.isBlocked(account) else { throw LetterlockError.blocked }
        guard let contact = try store.contact(account) else { throw ConversationError.notAContact }
        guard contact.state == .accepted, contact.deliveryToken != nil else { throw ConversationError.contactNotAccepted }
        return account
    }
}
