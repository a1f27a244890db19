public import Foundation

/// `POST /v1/messages/sealed`: no sender authentication; each recipient device is authorised by
/// its account's delivery token. `payload` is an encoded `MLSMessage`.
public struct SealedSendRequest: Codable, Sendable {
    public struct Recipient: Codable, Sendable {
        public var deviceID: String
        public var token: Data
        public init(deviceID: String, token: Data) {
            self.deviceID = deviceID
            self.token = token
        }
    }
    public var recipients: [Recipient]
    public var payload: Data
    public init(recipients: [Recipient], payload: Data) {
        self.recipients = recipients
        self.payload = payload
    }
}

/// `POST /v1/messages/requests`: a signed first-contact message to the devices of one account.
public struct RequestSendRequest: Codable, Sendable {
    public var recipients: [String]
    public var payload: Data
    public init(recipients: [String], payload: Data) {
        self.recipients = recipients
        self.payload = payload
    }
}

public struct SendResponse: Codable, Sendable, Equatable {
    /// How many mailbox entries were stored (0 for a retried commit).
    public var delivered: Int
    /// True when this exact commit had already been accepted (a retry): nothing stored again.
    public var duplicate: Bool
    public init(delivered: Int, duplicate: Bool) {
        self.delivered = delivered
        self.duplicate = duplicate
    }
}

/// One mailbox entry as a device receives it (HTTP fetch or WebSocket push).
public struct MailboxEntryBody: Codable, Sendable, Equatable {
    public var id: Int64
    /// `inbox` or `requests`.
    public var queue: String
    public var payload: Data
    /// Requests only: the identified sender's account id.
    public var sender: String?
    /// Unix seconds.
    public var receivedAt: Int64
    public init(id: Int64, queue: String, payload: Data, sender: String?, receivedAt: Int64) {
        self.id = id
        self.queue = queue
        self.payload = payload
        self.sender = sender
        self.receivedAt = receivedAt
    }
}

public struct MailboxPageResponse: Codable, Sendable, Equatable {
    public var entries: [MailboxEntryBody]
    public init(entries: [MailboxEntryBody]) { self.entries = entries }
}

/// `POST /v1/mailbox/ack`.
public struct AckRequest: Codable, Sendable {
    public var ids: [Int64]
    public init(ids: [Int64]) { self.ids = ids }
}

public struct AckResponse: Codable, Sendable, Equatable {
    public var acknowledged: Int
    public init(acknowledged: Int) { self.acknowledged = acknowledged }
}

/// `POST /v1/blobs/uploads`: the size of the ciphertext to come and how it is addressed.
public struct BlobUploadRequest: Codable, Sendable {
    public var size: Int64
    /// How the blob is addressed: ``BlobAddress/addressing`` (version 2, per-part hashes; the
    /// address is declared at completion). Absent in version 1 requests, which declared `sha256`
    /// up front; the relay refuses those (`unsupported_blob_addressing`).
    public var addressing: String?
    /// Version 1 only: the SHA-256 of the whole blob.
    public var sha256: String?
    public init(size: Int64, addressing: String = BlobAddress.addressing) {
        self.size = size
        self.addressing = addressing
        self.sha256 = nil
    }
}

/// Completes an upload: the content address (``BlobAddress``, lowercase hex) the client computed
/// over the bytes it sent; the relay compares it with the one it computed from the parts it
/// received.
public struct BlobCompleteRequest: Codable, Sendable {
    public var blobID: String
    public init(blobID: String) { self.blobID = blobID }
}

/// The state of a resumable upload: every byte before `offset` is durable on the relay; the
/// next part starts there. Parts are ``BlobAddress/partSize`` bytes at multiples of it.
public struct BlobUploadResponse: Codable, Sendable, Equatable {
    public var uploadID: String
    public var offset: Int64
    public var size: Int64
    public init(uploadID: String, offset: Int64, size: Int64) {
        self.uploadID = uploadID
        self.offset = offset
        self.size = size
    }
}

/// A stored blob: its content address (``BlobAddress``) and size.
public struct BlobResponse: Codable, Sendable, Equatable {
    public var blobID: String
    public var size: Int64
    public init(blobID: String, size: Int64) {
        self.blobID = blobID
        self.size = size
    }
}
