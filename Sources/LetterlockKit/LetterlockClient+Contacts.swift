import Foundation
import RelayAPI

/// Identity, contacts, message requests and blocks.
extension LetterlockClient {
    /// This device, its account's devices as the relay lists them, and the username.
    public struct Whoami: Sendable, Codable {
        public var accountID: String
        public var deviceID: String
        public var username: String?
        public var relayURL: String
        public var devices: [String]
    }

    public func whoami() async throws -> Whoami {
        let devices = try await relay.ownDevices()
        let stored = try store.storedIdentity()?.identity ?? identity
        return Whoami(
            accountID: identity.accountID, deviceID: identity.deviceID, username: stored.username, relayURL: relay.baseURL,
            devices: devices.devices.map(\.deviceID))
    }

    /// Claims a username (or replaces the current one).
    public func setUsername(_ username: String) async throws {
        guard Username.isValid(username) else { throw LetterlockError.invalidUsername }
        try await relay.setUsername(username)
        var updated = try store.storedIdentity()?.identity ?? identity
        updated.username = username
        try update(identity: updated, deliveryToken: deliveryToken)
    }

    /// The account id for a contact name: a username known locally (contact or request), a raw
    /// account id, or else an exact username lookup at the relay.
    public func resolve(_ name: String) async throws -> String {
        if RelayClient.isRelayID(name) { return name }
        if let contact = try store.contact(username: name) { return contact.accountID }
        if let request = try store.pendingRequests().first(where: { $0.senderUsername == name }) {
            return request.senderAccount
        }
        guard Username.isValid(name) else { throw LetterlockError.invalidUsername }
        do {
            return try await relay.lookUp(username: name)
        } catch let error as RelayClientError where error == .notFound {
            throw LetterlockError.unknownContact
        }
    }

    // MARK: Adding contacts

    /// Sends a message request to the account named `username` (exact match): a signed,
    /// identified envelope carrying this account's card without its delivery token (the relay
    /// can read requests). The contact is `outgoing` until they accept. If they have a pending
    /// request to us, this accepts it instead.
    @discardableResult
    public func addContact(username: String) async throws -> Contact {
        guard Username.isValid(username) else { throw LetterlockError.invalidUsername }
        let account: String
        do {
            account = try await relay.lookUp(username: username)
        } catch let error as RelayClientError where error == .notFound {
            throw LetterlockError.unknownContact
        }
        guard account != identity.accountID else { throw LetterlockError.unknownContact }
        guard try !store.isBlocked(account) else { throw LetterlockError.blocked }
        if let existing = try store.contact(account), existing.state == .accepted { throw LetterlockError.alreadyContact }
        // They already asked us: adding them is accepting.
        if try store.pendingRequests().contains(where: { $0.senderAccount == account }) { return try await accept(account) }
        let directory = try await relay.devices(of: account)
        let payload = try Envelope.seal(
            content(.contactRequest, to: account, card: try ownCard(includingToken: false)), signer: signingKey, protection: .signed)
        try await relay.sendRequest(payload, to: directory.devices.map(\.deviceID))
        let contact = Contact(
            accountID: account, username: username, state: .outgoing, deliveryToken: nil,
            devices: directory.devices.map { DeviceInfo(deviceID: $0.deviceID, signingKey: $0.publicKey) }, addedAt: now(), devicesChangedAt: nil)
        try store.saveContact(contact)
        return contact
    }

    /// This account's invite link: whoever holds it can reach this account sealed at once (it
    /// carries the delivery token and the contact secret). Share it privately;
    /// ``rotateDeliveryToken()`` revokes it.
    public func inviteLink() throws -> InviteLink {
        guard let token = deliveryToken, let secret = contactSecret else { throw LetterlockError.notRegistered }
        return InviteLink(accountID: identity.accountID, deliveryToken: token, contactSecret: secret)
    }

    /// Adds the account behind an invite link: sends it an introduction sealed under its contact
    /// secret, authorised by its delivery token (the relay learns neither sender nor content),
    /// and records it as a contact.
    @discardableResult
    public func addContact(invite: InviteLink) async throws -> Contact {
        guard invite.accountID != identity.accountID else { throw LetterlockError.invalidInvite }
        guard try !store.isBlocked(invite.accountID) else { throw LetterlockError.blocked }
        let directory: DeviceListResponse
        do {
            directory = try await relay.devices(of: invite.accountID)
        } catch let error as RelayClientError where error == .notFound {
            throw LetterlockError.unknownContact
        }
        let payload = try Envelope.seal(
            content(.contactIntroduction, to: invite.accountID, card: try ownCard(includingToken: true)), signer: signingKey,
            protection: .contactSecret(invite.contactSecret, recipientAccount: invite.accountID))
        do {
            try await relay.sendSealed(payload, to: directory.devices.map { ($0.deviceID, invite.deliveryToken) })
        } catch let error as RelayClientError where error == .unknownRecipient {
            throw LetterlockError.invalidInvite  // the token was rotated: the link is revoked
        }
        let existing = try store.contact(invite.accountID)
        let contact = Contact(
            accountID: invite.accountID, username: existing?.username, state: .accepted, deliveryToken: invite.deliveryToken,
            contactSecret: invite.contactSecret, devices: directory.devices.map { DeviceInfo(deviceID: $0.deviceID, signingKey: $0.publicKey) }, addedAt: existing?.addedAt ?? now(),
            devicesChangedAt: nil)
        try store.saveContact(contact)
        return contact
    }

    /// A new delivery token and contact secret: revokes every invite link and the old ones held
    /// by contacts. Accepted contacts get the new ones in a card sealed under their own secret.
    public func rotateDeliveryToken() async throws {
        let token = try await relay.rotateDeliveryToken()
        try update(deliveryToken: token, contactSecret: Self.newContactSecret())
        for contact in try store.contacts() where contact.state == .accepted && contact.deliveryToken != nil {
            try? await sendCard(to: contact)
        }
        // Group members who are not contacts hold the old token from an `info`: without the
        // new one their sends (and Commits) to this account would be refused for good.
        for conversation in try conversations() where conversation.active {
            try? await shareOwnToken(conversation.id)
        }
    }

    /// Sends this account's card (with the current token and secret) to a contact, sealed under
    /// their contact secret and authorised by their token.
    func sendCard(to contact: Contact) async throws {
        guard let token = contact.deliveryToken, let secret = contact.contactSecret else { return }
        let directory = try await relay.devices(of: contact.accountID)
        let payload = try Envelope.seal(
            content(.contactCard, to: contact.accountID, card: try ownCard(includingToken: true)), signer: signingKey,
            protection: .contactSecret(secret, recipientAccount: contact.accountID))
        try await relay.sendSealed(payload, to: directory.devices.map { ($0.deviceID, token) })
    }

    // MARK: Requests

    /// Pending message requests, after fetching new ones.
    public func requests() async throws -> [PendingRequest] {
        _ = try await sync()
        return try store.pendingRequests()
    }

    private func pending(from name: String) async throws -> (account: String, entries: [PendingRequest]) {
        let all = try store.pendingRequests()
        let account: String
        if let entryID = Int64(name), let match = all.first(where: { $0.entryID == entryID }) {
            account = match.senderAccount
        } else {
            account = try await resolve(name)
        }
        let entries = all.filter { $0.senderAccount == account }
        guard !entries.isEmpty else { throw LetterlockError.unknownRequest }
        return (account, entries)
    }

    /// Accepts a request: sends the requester this account's card with its delivery token,
    /// HPKE-sealed to the requester's devices (the relay cannot read it), as a request back;
    /// the requester answers with its own card. `name` is a username, account id or entry id.
    @discardableResult
    public func accept(_ name: String) async throws -> Contact {
        let (account, entries) = try await pending(from: name)
        guard let latest = entries.last else { throw LetterlockError.unknownRequest }
        let directory = try await relay.devices(of: account)
        let devices = Self.merge(directory: directory, card: latest.card)
        let recipients = devices.compactMap { device in device.agreementKey.map { (deviceID: device.deviceID, agreementKey: $0) } }
        guard !recipients.isEmpty else { throw LetterlockError.malformedEnvelope }
        let payload = try Envelope.seal(
            content(.contactAccept, to: account, card: try ownCard(includingToken: true)), signer: signingKey, protection: .devices(recipients))
        try await relay.sendRequest(payload, to: recipients.map(\.deviceID))
        for entry in entries { try? await relay.answerRequest(entry.entryID, .accept) }
        // The conversation the request started, with its first message.
        for entry in entries {
            guard let first = try store.firstMessage(ofRequest: entry.entryID) else { continue }
            do {
                _ = try await startFromFirstMessage(first, from: account)
            } catch let error as RelayClientError where !error.isTransient {
                _ = error  // the sender's account is gone: nothing to join
            }
        }
        try store.removePendingRequests(from: account)
        let existing = try store.contact(account)
        let contact = Contact(
            accountID: account, username: latest.senderUsername, state: .accepted, deliveryToken: existing?.deliveryToken,
            contactSecret: existing?.contactSecret, devices: devices,
            addedAt: existing?.addedAt ?? now(), devicesChangedAt: nil)
        try store.saveContact(contact)
        return contact
    }

    /// Drops a request without telling the sender.
    public func ignore(_ name: String) async throws {
        let (account, entries) = try await pending(from: name)
        for entry in entries { try await relay.answerRequest(entry.entryID, .ignore) }
        try discardFirstMessages(of: entries)
        try store.removePendingRequests(from: account)
    }

    /// Blocks a request's sender: the relay drops their queued and future requests.
    public func blockRequest(_ name: String) async throws {
        let (account, entries) = try await pending(from: name)
        if let first = entries.first { try await relay.answerRequest(first.entryID, .block) }
        try discardFirstMessages(of: entries)
        try store.saveBlock(account, at: now())
        try store.removeContact(account)
    }

    // MARK: Blocks

    /// Blocks an account (by username, contact name or account id): the relay drops its
    /// requests, this device drops anything else it sends, and it stops being a contact.
    @discardableResult
    public func block(_ name: String) async throws -> String {
        let account = try await resolve(name)
        try await relay.block(account)
        try discardFirstMessages(of: try store.pendingRequests().filter { $0.senderAccount == account })
        try store.saveBlock(account, at: now())
        try store.removeContact(account)
        return account
    }

    @discardableResult
    public func unblock(_ name: String) async throws -> String {
        let account = try await resolve(name)
        try await relay.unblock(account)
        try store.removeBlock(account)
        return account
    }

    public func blockedAccounts() throws -> [String] { try store.blockedAccounts() }

    public func contacts() throws -> [Contact] { try store.contacts() }

    /// A card's devices that the key directory confirms (same id and signing key), with the
    /// card's agreement keys; directory devices missing from the card come without one.
    static func merge(directory: DeviceListResponse, card: ContactCard?) -> [DeviceInfo] {
        directory.devices.map { listed in
            let fromCard = card?.devices.first { $0.deviceID == listed.deviceID && $0.signingKey == listed.publicKey }
            return DeviceInfo(deviceID: listed.deviceID, signingKey: listed.publicKey, agreementKey: fromCard?.agreementKey)
        }
    }
}
