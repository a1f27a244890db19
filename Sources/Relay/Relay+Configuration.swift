public import Foundation
public import RelayStorage

extension Relay {
    /// Every tunable of the relay, with defaults that work for a small community server.
    public struct Configuration: Sendable {
        /// Devices per account.
        public var deviceLimit = 6
        /// How long an unfetched mailbox entry is kept (ARCHITECTURE.md data inventory: 30 days).
        public var messageRetention: TimeInterval = 30 * 86_400
        /// How far a signed request's timestamp may be from the relay's clock, either way.
        public var timestampSkew: TimeInterval = 300
        /// The authorities (`host[:port]`, as clients write the relay's URL, in the form of
        /// `RequestSigning.authority(of:)`) this relay is reached by. A signature must name one of
        /// them, so a request signed for another host cannot be replayed here (client review M8).
        /// Empty (the default): the request's own `Host`, when it is a loopback name
        /// (`localhost`, 127.0.0.0/8, `[::1]`), for local use; a relay reachable from elsewhere
        /// must set its public name.
        public var publicAuthorities: [String] = []
        /// Largest opaque payload (an encoded MLSMessage) one send may carry.
        public var maximumPayloadSize = 1 << 20
        /// Largest JSON body of a send (payload in base64 plus recipients).
        public var maximumSendBodySize = (1 << 20) * 3 / 2 + 256 * 1024
        /// Largest JSON body of every other route.
        public var maximumSmallBodySize = 256 * 1024
        /// Recipient devices per sealed send.
        public var maximumRecipients = 1_000
        public var maximumKeyPackagesPerUpload = 100
        public var maximumKeyPackageSize = 16 * 1024
        public var keyPackageLimitPerSuite = 500
        /// Cipher suites a KeyPackage may be uploaded for: the seven of RFC 9420 §17.1 and
        /// Letterlock's post-quantum default, MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 at its
        /// provisional codepoint 0xF0A1 (`CipherSuite.provisionalMLKEM768X25519Codepoint`, README).
        /// With the per-suite limit this bounds one device's key packages (8 x 500 x 16 KiB, about
        /// 64 MiB).
        public var acceptedCipherSuites: Set<UInt16> = Set(1...7).union([0xF0A1])
        /// Entries one device's queue (inbox or requests) may hold; a send to a full inbox gets
        /// 507 `mailbox_full` (review M4). A request to a full request queue is answered like a
        /// delivered one and dropped, so that it reveals nothing about the recipient.
        public var maximumMailboxEntries = 10_000
        /// Payload bytes queued for one account (all its devices, both queues, each entry
        /// counted at its payload's full size). A sealed send beyond it gets 507 `mailbox_full`;
        /// a request beyond it is answered like a delivered one and dropped (review M4).
        public var maximumMailboxBytesPerAccount: Int64 = 512 << 20
        /// Entries per mailbox page and per WebSocket batch.
        public var maximumPageSize = 100
        /// First-contact requests one account may send (per hour and per day).
        public var requestLimits: [RateLimitWindow] = [.perHour(20), .perDay(100)]
        /// Payload bytes one account may send as first-contact requests (payload size times
        /// recipient devices), counted like ``requestLimits`` before any recipient check, so
        /// that one sender's requests fill at most this much disk per window (review M4).
        public var requestByteLimits: [RateLimitWindow] = [.perDay(64 << 20)]
        /// KeyPackage claims one device may make.
        public var keyPackageClaimLimits: [RateLimitWindow] = [.perHour(600)]
        /// KeyPackage claims one account may make on one target device, so that one account
        /// cannot drain a target's one-time packages (review L4).
        public var keyPackageClaimLimitsPerTarget: [RateLimitWindow] = [.perDay(20)]
        /// Registrations per (hashed) client address.
        public var registrationLimits: [RateLimitWindow] = [.perHour(20)]
        /// Sealed sends per (hashed) client address.
        public var sealedSendLimits: [RateLimitWindow] = [RateLimitWindow(seconds: 60, limit: 600)]
        /// Requests of any kind per (hashed) client address, checked in memory before anything
        /// else (review L3); nil turns the check off.
        public var addressRequestLimit: RateLimitWindow? = RateLimitWindow(seconds: 60, limit: 3_000)
        /// Reverse proxies whose `X-Forwarded-For` names the client (see
        /// ``Relay/clientAddress(peer:forwardedFor:trustedProxies:)``); empty: the header is ignored.
        public var trustedProxies: [AddressPrefix] = []
        /// Signed requests per device.
        public var deviceRequestLimits: [RateLimitWindow] = [RateLimitWindow(seconds: 60, limit: 1_200)]
        /// Entries pushed on a WebSocket and not yet acknowledged; the relay stops sending (and
        /// buffers nothing) until the device acknowledges. Bounds memory per slow client.
        public var webSocketWindow = 64
        /// Time a new WebSocket has to answer the challenge.
        public var webSocketAuthTimeout: Duration = .seconds(10)

        /// Bytes of blobs (and pending uploads) one account may hold.
        public var blobQuota: Int64 = 1 << 30
        /// Largest single blob.
        public var maximumBlobSize: Int64 = 256 << 20
        /// Largest chunk of one upload request.
        public var maximumChunkSize = 4 << 20
        /// How far past an upload's contiguous offset a part may start, so that a client can keep
        /// several parts in flight (at 4 MiB parts, 16 of them).
        public var uploadWindow: Int64 = 64 << 20
        /// Parts written ahead of an upload's contiguous offset that may wait at once.
        public var maximumWaitingParts = 32
        /// An unfinished upload is erased after this long.
        public var uploadLifetime: TimeInterval = 86_400
        /// A blob nobody deletes is erased this long after upload (the same 30 days as messages).
        public var blobRetention: TimeInterval = 30 * 86_400

        /// The global disk high-water mark: below this many free bytes on the data directory's
        /// filesystem, new mailbox entries, uploads and upload parts get `507
        /// insufficient_storage` (``FreeSpaceGuard``); 0 turns the check off. The reserve also
        /// absorbs the small writes that continue (registrations, key packages, nonces, the WAL).
        public var minimumFreeDiskBytes: Int64 = 1 << 30
        /// How long one free-space reading is trusted.
        public var freeDiskCheckInterval: Duration = .seconds(1)

        public init() {}
    }
}
