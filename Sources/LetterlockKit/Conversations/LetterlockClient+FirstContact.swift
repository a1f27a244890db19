public import Foundation
import MLS
import RelayAPI
import WireFormat

/// The first message to someone who is not yet a contact (docs/client.md, "First contact").
///
/// The sender makes the 1:1 group at once (the recipient's devices added from KeyPackages the
/// key directory vouches for) and sends the Welcome with the first messages inside a message
/// request (``FirstMessage``): the relay's request queue rate-limits it, honours blocks, and
/// cannot read it. The recipient opens it only to show it with the request; on accept the
/// conversation starts with that message in its history, on block or ignore it is deleted.
/// Messages written before the accept wait in the sender's outbox (the recipient's delivery
/// token is unknown until then) and go out on the first ``receive()`` after it.
extension LetterlockClient {
    /// How ``sendText(_:toName:)`` delivered a message.
    public struct SentMessage: Sendable {
        public enum Delivery: String, Sendable, Codable {
            /// Sent to every member device.
            case sent
            /// Sent inside a new message request: they read it when they look at their requests.
            case requested
            /// Kept on this device until they accept (or until their card arrives): sent by a
            /// later ``receive()``.
            case queued
        }

        public var conversation: Conversation
        public var entry: ConversationEntry
        public var delivery: Delivery
    }

    /// Sends text to a conversation or a person: an existing conversation by name, a contact's
    /// 1:1 chat (started if needed), or, for an account that has not accepted us (a stranger, or
    /// one we only sent a request to), a message request carrying this first message.
    public func sendText(_ text: String, toName name: String) async throws -> SentMessage {
        guard !text.isEmpty, text.utf8.count <= ConversationMessageIn.maximumTextBytes else { throw ConversationError.malformedMessage }
        let name = name.hasPrefix("@") ? String(name.dropFirst()) : name
        let conversationID: String
        do {
            conversationID = try await findConversation(name).id
        } catch let error as ConversationError where error == .unknownConversation {
            let account = try await resolve(name)
            guard account != identity.accountID else { throw LetterlockError.unknownContact }
            guard try !store.isBlocked(account) else { throw LetterlockError.blocked }
            if let existing = try directConversation(with: account) {
                conversationID = existing.id
            } else if let contact = try store.contact(account), contact.state == .accepted, contact.deliveryToken != nil {
                conversationID = try await startConversation(with: account).id
            } else {
                // `resolve` looked a username up at the relay: it names this account.
                let username = RelayClient.isRelayID(name) ? try store.contact(account)?.username : name
                return try await requestConversation(with: account, username: username, text: text)
            }
        }
        let entry = try await sendText(text, to: conversationID)
        return SentMessage(
            conversation: try conversation(conversationID), entry: entry, delivery: try isWaitingForPeer(conversationID) ? .queued : .sent)
    }

    /// True when some member device of the conversation cannot be reached yet (a 1:1 chat whose
    /// other side has not accepted our request, or whose card has not arrived): what is sent
    /// there waits in the outbox.
    public func isWaitingForPeer(_ conversationID: String) throws -> Bool {
        let loaded = try loadGroup(conversationID)
        do {
            _ = try recipients(loaded.group, loaded.stored)
            return false
        } catch let error as ConversationError where error == .missingDeliveryToken {
            return true
        }
    }

    /// Starts a 1:1 conversation with an account that is not a contact: a group with its devices
    /// and ours, whose Welcome and first messages (`info`, then the text) go in a message
    /// request. Nothing is saved unless the relay took the request. The account becomes an
    /// outgoing contact, as with ``addContact(username:)``.
    func requestConversation(with account: String, username: String?, text: String) async throws -> SentMessage {
        let directory: DeviceListResponse
        do {
            directory = try await relay.devices(of: account)
        } catch let error as RelayClientError where error == .notFound {
            throw LetterlockError.unknownContact
        }
        var group = try newGroup()
        let theirs = try await claimKeyPackages(of: account)
        guard !theirs.isEmpty else { throw ConversationError.noKeyPackage }
        let ours = try await claimKeyPackages(of: identity.accountID)
        let created = try group.commit(CommitOptions(adding: theirs + ours, encrypted: true))
        let summary = try group.mergePendingCommit()
        guard let welcome = created.welcome else { throw ConversationError.groupState }
        let sentAt = Int64(now().timeIntervalSince1970)
        let info = ConversationMessage(kind: .info, sentAt: sentAt, conversation: .direct)
        let message = ConversationMessage(kind: .text, sentAt: sentAt, text: text)
        let infoCiphertext = try group.encrypt(try info.encoded())
        let textCiphertext = try group.encrypt(try message.encoded())
        let first = FirstMessage(
            welcome: Data(welcome.wireBytes), messages: [Data(infoCiphertext.wireBytes), Data(textCiphertext.wireBytes)])
        let payload = try Envelope.seal(
            content(.contactRequest, to: account, card: try ownCard(includingToken: false), firstMessage: first), signer: signingKey,
            protection: .signed)
        // Saved before the send (write-ahead): a crash after the relay took the request but
        // before it was recorded leaves the conversation and the very same request, which the
        // next ``receive()`` sends again (``sendUnsentRequests()``). A second, different
        // request would start a second group the recipient could join.
        let id = Self.hex(group.groupID)
        let devices = directory.devices.map(\.deviceID)
        let conversation = Conversation(
            id: id, kind: .direct, name: nil, peerAccount: account, members: [], epoch: group.epochNumber, active: true, createdAt: now())
        let stored = try record(
            LoadedGroup(
                stored: .init(conversation: conversation, sealedState: nil, tokens: [:], lastUpdateAt: now(), messagesSinceUpdate: 0),
                group: group))
        let entry = ConversationEntry(
            sequence: 0, conversationID: id, messageID: message.id, senderAccount: identity.accountID, senderDevice: identity.deviceID,
            kind: .text, text: text, name: nil, fileName: nil, fileSize: nil, sentAt: Date(timeIntervalSince1970: TimeInterval(sentAt)),
            receivedAt: now(), outgoing: true)
        let unsent = DeviceStore.UnsentRequest(
            groupID: id, devices: devices, sealedPayload: try sealer.seal(Array(payload), context: "request " + id))
        let newContact = try store.contact(account) == nil
        if newContact {
            try store.saveContact(
                Contact(
                    accountID: account, username: username, state: .outgoing,
                    deliveryToken: nil, devices: directory.devices.map { DeviceInfo(deviceID: $0.deviceID, signingKey: $0.publicKey) },
                    addedAt: now(), devicesChangedAt: nil))
        }
        try store.apply(.init(conversation: stored, message: entry, unsentRequest: unsent))
        do {
            try await relay.sendRequest(payload, to: devices)
        } catch let error as RelayClientError where !error.isTransient {
            // Refused (the relay did not take it): the conversation never started.
            try store.deleteConversation(id)
            if newContact { try store.removeContact(account) }
            throw error
        } catch let error as RelayClientError {
            // Maybe taken, maybe not: the next ``receive()`` sends the same request again.
            _ = error
            return SentMessage(conversation: try self.conversation(id), entry: entry, delivery: .queued)
        }
        try conversationSettings.interruption?(.requestSent)
        try store.deleteUnsentRequest(id)
        // This account's other devices join now, through the Welcome and the info message.
        if let ownToken = deliveryToken {
            let ownDevices = summary.added.compactMap { member -> (deviceID: String, token: Data)? in
                guard let named = LetterlockIdentity(credential: member.credential), Self.hex(named.accountID) == identity.accountID else {
                    return nil
                }
                return (Self.hex(named.deviceID), ownToken)
            }
            // Best effort: a device that misses it is added again by ``addMissingOwnDevices(_:)``
            // only after a Commit, so report nothing here; the request itself went out.
            try? await deliver(welcome, to: ownDevices)
            try? await deliver(infoCiphertext, to: ownDevices)
        }
        return SentMessage(conversation: try self.conversation(id), entry: entry, delivery: .requested)
    }

    /// Sends again the first-message requests whose send was not recorded (a crash after the
    /// relay took them, or a lost connection), byte for byte: if the relay took one already,
    /// the recipient gets the same request twice and joins its group once (the Welcome's
    /// KeyPackage is consumed by the first join). A request the relay refuses for good is
    /// forgotten; the conversation stays, its messages waiting as for any unanswered request.
    func sendUnsentRequests() async throws {
        for unsent in try store.unsentRequests() {
            let payload = try sealer.open(unsent.sealedPayload, context: "request " + unsent.groupID)
            do {
                try await relay.sendRequest(Data(payload), to: unsent.devices)
            } catch let error as RelayClientError where error.isTransient {
                throw error
            } catch is RelayClientError {
                // Refused for good (the account is gone): nothing to retry.
            }
            try store.deleteUnsentRequest(unsent.groupID)
        }
    }

    // MARK: Receiving a first message

    /// A first message opened and checked, not saved.
    struct ReadFirstMessage {
        var opened: OpenedWelcome
        /// The decrypted messages, in order (the `info` message included).
        var messages: [(message: ConversationMessage, senderDevice: String)]
        var texts: [String] { messages.compactMap { $0.message.kind == .text ? $0.message.text : nil } }
    }

    /// Opens a request's first message: the Welcome must open (``openWelcome(_:)``: the signer
    /// is checked against the key directory) and be signed by the requester, the group must hold
    /// only the requester's devices and ours, and every message must decrypt in it, come from
    /// the requester, and be an `info` (1:1) or a text. Nil when anything fails.
    func readFirstMessage(_ first: FirstMessage, from sender: String) async throws -> ReadFirstMessage? {
        guard let first = try? first.validated(),
            let welcomeMessage = try? MLSMessage(wireBytes: Array(first.welcome)), case .welcome(let welcome) = welcomeMessage.body,
            let opened = try await openWelcome(welcome), opened.signerAccount == sender
        else { return nil }
        var group = opened.group
        let accounts = Set(Self.memberDevices(group).map(\.account))
        guard accounts == [sender, identity.accountID], group.members.count == Self.memberDevices(group).count else { return nil }
        // The stranger chose every leaf, not only its own: each must be a device the key
        // directory lists, with the key it lists, or a leaf naming one of our devices could
        // write as us (session 4 review M2). Tree keys are unique, so no device appears twice.
        for account in accounts {
            let listed: [DeviceBody]
            if account == sender {
                listed = opened.signerDevices  // openWelcome just fetched the sender's list
            } else {
                do {
                    listed = try await relay.devices(of: account).devices
                } catch let error as RelayClientError where !error.isTransient {
                    return nil
                }
            }
            for member in group.members {
                guard let named = LetterlockIdentity(credential: member.credential), Self.hex(named.accountID) == account else { continue }
                let device = Self.hex(named.deviceID)
                guard listed.contains(where: { $0.deviceID == device && Array($0.publicKey) == member.signatureKey }) else { return nil }
            }
        }
        var messages: [(message: ConversationMessage, senderDevice: String)] = []
        for bytes in first.messages {
            guard let message = try? MLSMessage(wireBytes: Array(bytes)), case .privateMessage = message.body,
                case .application(let application)? = try? group.process(message),
                let named = LetterlockIdentity(credential: application.credential), Self.hex(named.accountID) == sender,
                let content = try? ConversationMessageIn(application.data).validated()
            else { return nil }
            switch content.kind {
            case .info where content.conversation == .direct && content.tokens == nil: break
            case .text: break
            default: return nil
            }
            messages.append((content, Self.hex(named.deviceID)))
        }
        var advanced = opened
        advanced.group = group  // the application messages moved its secret tree on
        return ReadFirstMessage(opened: advanced, messages: messages)
    }

    /// On accept: joins the request's conversation and stores its first messages. Returns the
    /// conversation id, nil when the first message cannot be read (anymore) or the conversation
    /// already exists.
    func startFromFirstMessage(_ first: FirstMessage, from sender: String) async throws -> String? {
        guard let read = try await readFirstMessage(first, from: sender),
            let id = try saveJoined(read.opened, kind: .direct, peerAccount: sender, processedEntry: nil)
        else { return nil }
        for (message, device) in read.messages where message.kind == .text {
            try store.apply(
                .init(
                    message: ConversationEntry(
                        sequence: 0, conversationID: id, messageID: message.id, senderAccount: sender, senderDevice: device, kind: .text,
                        text: message.text, name: nil, fileName: nil, fileSize: nil,
                        sentAt: Date(timeIntervalSince1970: TimeInterval(message.sentAt)), receivedAt: now(), outgoing: false)))
        }
        return id
    }

    /// After a block or ignore: forgets the KeyPackages the requests' Welcomes were for (they
    /// were claimed, so nobody else can use them, and their private keys must not linger).
    func discardFirstMessages(of entries: [PendingRequest]) throws {
        for entry in entries {
            guard let first = try store.firstMessage(ofRequest: entry.entryID),
                let message = try? MLSMessage(wireBytes: Array(first.welcome)), case .welcome(let welcome) = message.body
            else { continue }
            for secret in welcome.secrets { try store.apply(.init(consumedKeyPackage: Data(secret.newMember))) }
        }
    }
}
