import Crypto
import Foundation
import Hummingbird
import Metrics
import NIOCore
import RelayAPI
import RelayJSON
import RelayStorage

extension Relay {
    /// Sending (sealed and request), fetching, acknowledging, and answering requests.
    func addMessageRoutes(to router: Router<RelayRequestContext>) {
        router.post("/v1/messages/sealed") { request, context in try await self.sendSealed(request, context) }
        router.post("/v1/messages/requests") { request, _ in try await self.sendRequest(request) }
        router.get("/v1/mailbox") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            let query = request.uri.queryParameters
            let queue: MailboxQueue
            switch query.get("queue") ?? "inbox" {
            case "inbox": queue = .inbox
            case "requests": queue = .requests
            default: throw RelayError.malformedRequest
            }
            let after = try query.get("after").map { text -> MailboxEntryID in
                guard let value = Int64(text), value >= 0 else { throw RelayError.malformedRequest }
                return MailboxEntryID(value)
            }
            let limit =
                try query.get("limit").map { text -> Int in
                    guard let value = Int(text), (1...self.configuration.maximumPageSize).contains(value) else { throw RelayError.malformedRequest }
                    return value
                } ?? self.configuration.maximumPageSize
            let entries = try await self.store.entries(for: auth.device.id, queue: queue, after: after, limit: limit)
            self.metrics.mailboxDepth.record(try await self.store.mailboxDepth(of: auth.device.id))
            return try self.json(MailboxPageResponse(entries: entries.map(Self.body(of:))))
        }
        router.post("/v1/mailbox/ack") { request, _ in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: self.configuration.maximumSmallBodySize)
            let ack = try self.decode(AckRequest.self, from: auth.body)
            guard ack.ids.count <= 1_000 else { throw RelayError.malformedRequest }
            let count = try await self.store.acknowledge(ack.ids.map(MailboxEntryID.init), for: auth.device.id)
            self.metrics.entriesAcknowledged.increment(by: count)
            return try self.json(AckResponse(acknowledged: count))
        }
        router.post("/v1/requests/:entryID/:action") { request, context in
            var request = request
            let auth = try await self.authenticate(&request, bodyLimit: 0)
            guard let raw = Int64(try context.parameters.require("entryID")),
                let entry = try await self.store.entry(MailboxEntryID(raw), for: auth.device.id), entry.queue == .requests,
                let sender = entry.sender
            else { throw RelayError.notFound }
            switch try context.parameters.require("action") {
            case "accept", "ignore":
                // Accepting is the client's business (it joins the group and shares a delivery
                // token through MLS); the relay only drops the request from the queue.
                _ = try await self.store.acknowledge([entry.id], for: auth.device.id)
            case "block":
                try await self.storage { try await self.store.block(sender, by: auth.device.accountID, at: self.now()) }
                _ = try await self.store.removeRequests(from: sender, to: auth.device.accountID)
            default:
                throw RelayError.notFound
            }
            return Response(status: .noContent)
        }
    }

    /// `POST /v1/messages/sealed`: no sender authentication. Every recipient must be authorised by
    /// its account's current delivery token; otherwise nothing is stored and the answer is
    /// `unknown_recipient`, whichever recipient failed and why. The store checks the tokens in the
    /// same writer job that stores the entries (``Delivery/deliveryTokenHashes``): one job per
    /// send, and no window in which a token rotated between check and insert still gets through.
    private func sendSealed(_ request: Request, _ context: RelayRequestContext) async throws -> Response {
        var request = request
        try rateLimit(sealedSendLimiter, request, context)
        try freeSpace.check()
        let body = try await collectBody(&request, limit: configuration.maximumSendBodySize)
        // The canonical spelling is read by hand; any other goes through JSONDecoder as before.
        let send =
            try body.withUnsafeReadableBytes { SealedSendRequest(canonicalJSON: $0, maximumRecipients: configuration.maximumRecipients) }
            ?? decode(SealedSendRequest.self, from: body)
        guard (1...configuration.maximumRecipients).contains(send.recipients.count) else { throw RelayError.malformedRequest }
        var recipients: [DeviceID] = []
        var tokenHashes: [Data] = []
        recipients.reserveCapacity(send.recipients.count)
        tokenHashes.reserveCapacity(send.recipients.count)
        for recipient in send.recipients {
            guard let id = DeviceID(rawValue: recipient.deviceID) else { throw RelayError.unknownRecipient }
            recipients.append(id)
            tokenHashes.append(Data(SHA256.hash(data: recipient.token)))
        }
        guard Set(recipients).count == recipients.count else { throw RelayError.malformedRequest }
        // The store checks every recipient and its token in the delivery's own transaction.
        return try await deliver(send.payload, to: recipients, queue: .inbox, sender: nil, tokenHashes: tokenHashes)
    }

    /// `POST /v1/messages/requests`: an identified first-contact message to the devices of one
    /// account, rate-limited per sender. The rate limit is counted before any recipient check.
    /// A request to an account that blocked the sender is checked like any other, answered
    /// exactly like a delivered one (same status, body and durable write) and silently dropped: device lists
    /// are public, so a sender always knows the recipient exists, and any other answer would
    /// tell it about the block (review H3). Unknown devices get `unknown_recipient`, which
    /// reveals nothing the key directory does not.
    private func sendRequest(_ request: Request) async throws -> Response {
        var request = request
        let auth = try await authenticate(&request, bodyLimit: configuration.maximumSendBodySize)
        let send = try decode(RequestSendRequest.self, from: auth.body)
        // Before anything about the recipient (the answer must not depend on a block) and before
        // the sender's budget is spent on a request that cannot be stored.
        try freeSpace.check()
        try await rateLimit("request:\(auth.device.accountID)", configuration.requestLimits)
        // Bytes this sender may put into others' request queues (review M4): counted, like the
        // request count, before any recipient check, so that it says nothing about blocks.
        try await rateLimit(
            "request-bytes:\(auth.device.accountID)", configuration.requestByteLimits,
            cost: send.payload.count * max(1, min(send.recipients.count, configuration.deviceLimit))
        )
        guard (1...configuration.deviceLimit).contains(send.recipients.count), Set(send.recipients).count == send.recipients.count else {
            throw RelayError.malformedRequest
        }
        var recipients: [DeviceID] = []
        var recipientAccount: AccountID?
        for raw in send.recipients {
            guard let id = DeviceID(rawValue: raw), let device = try await store.device(id),
                recipientAccount == nil || recipientAccount == device.accountID
            else { throw RelayError.unknownRecipient }
            recipientAccount = device.accountID
            recipients.append(id)
        }
        guard let recipientAccount, recipientAccount != auth.device.accountID else { throw RelayError.unknownRecipient }
        // The store decides the block inside the delivery's transaction, after every check a
        // delivered request passes, and commits as for a delivery (``Delivery/sender``).
        return try await deliver(send.payload, to: recipients, queue: .requests, sender: auth.device.accountID)
    }

    /// The framing header of a payload the relay accepts into `queue`, or the error every send of
    /// it gets. A first-contact request may not carry a commit: commits go to a group's members,
    /// who already share tokens, and the commit claim's answers (conflict, duplicate) would
    /// otherwise differ between a blocked and a delivered request.
    private func admittedHeader(of payload: Data, queue: MailboxQueue) throws -> MLSFramingHeader {
        guard payload.count <= configuration.maximumPayloadSize else { throw RelayError.payloadTooLarge }
        let header: MLSFramingHeader
        do {
            header = try MLSFramingHeader(parsing: payload)
        } catch .unsupportedVersion {
            throw RelayError.unsupportedMLSVersion
        } catch {
            throw RelayError.malformedMLSMessage
        }
        guard queue == .inbox || !header.isCommit else { throw RelayError.malformedRequest }
        return header
    }

    /// Stores one payload for all recipients (atomically), ordering commits per group epoch; the
    /// store hands the new entries to the recipients' WebSocket sessions once they are durable.
    private func deliver(
        _ payload: Data, to recipients: [DeviceID], queue: MailboxQueue, sender: AccountID?, tokenHashes: [Data]? = nil
    ) async throws -> Response {
        let header = try admittedHeader(of: payload, queue: queue)
        let now = now()
        let expiresAt = now.addingTimeInterval(configuration.messageRetention)
        let claim = header.group.flatMap { group in
            header.isCommit
                ? CommitClaim(groupID: Data(group.groupID), epoch: group.epoch, payloadHash: Data(SHA256.hash(data: payload)), expiresAt: expiresAt)
                : nil
        }
        let outcome: DeliveryOutcome
        do {
            outcome = try await store.deliver(
                Delivery(
                    recipients: recipients, payload: payload, queue: queue, sender: sender, receivedAt: now, expiresAt: expiresAt, commit: claim,
                    mailboxLimit: configuration.maximumMailboxEntries, accountByteLimit: configuration.maximumMailboxBytesPerAccount,
                    deliveryTokenHashes: tokenHashes
                ),
                // Hands the durable entries to connected recipients in id order (see MailboxNotifier).
                stored: { [notifier] entries in notifier.hand(entries) }
            )
        } catch let error as RelayStorageError where error == .unknownDevice || error == .recipientNotAuthorized {
            throw RelayError.unknownRecipient  // no such device, or not the account's current token
        } catch let error as RelayStorageError where error == .commitConflict {
            metrics.commitConflicts.increment()
            throw RelayError.commitConflict
        } catch let error as RelayStorageError where error == .commitEpochAhead {
            metrics.commitConflicts.increment()
            throw RelayError.commitEpochAhead
        } catch let error as RelayStorageError where error == .mailboxFull {
            // A full request queue must not be an oracle either: answer like a delivery.
            guard queue == .requests else { throw RelayError.mailboxFull }
            return try json(SendResponse(delivered: recipients.count, duplicate: false), status: .created)
        }
        switch outcome {
        case .delivered(let ids):
            // For a commit sent again, only the recipients it had not reached yet get entries.
            // A request is answered for every recipient, stored or dropped for a block.
            metrics.entriesStored.increment(by: ids.count)
            return Self.sendResponse(delivered: queue == .requests ? recipients.count : ids.count, duplicate: false, status: .created)
        case .duplicateCommit:
            return Self.sendResponse(delivered: 0, duplicate: true, status: .ok)
        }
    }

    /// A ``SendResponse`` body, written by hand on the hot path: the same bytes as
    /// ``json(_:status:)`` writes (sorted keys), without a JSONEncoder per send.
    static func sendResponse(delivered: Int, duplicate: Bool, status: HTTPResponse.Status) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        let text = #"{"delivered":"# + String(delivered) + (duplicate ? #","duplicate":true}"# : #","duplicate":false}"#)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func body(of entry: MailboxEntry) -> MailboxEntryBody {
        MailboxEntryBody(
            id: entry.id.rawValue, queue: entry.queue == .inbox ? "inbox" : "requests", payload: entry.payload, sender: entry.sender?.rawValue,
            receivedAt: Int64(entry.receivedAt.timeIntervalSince1970)
        )
    }
}
