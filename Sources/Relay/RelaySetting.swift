public import Foundation
public import Logging
public import RelayStorage
import RelayAPI

/// One setting of `letterlock-relay`: its flag, environment variable, default and meaning (the
/// documentation table is generated from these), and how a value is applied.
public struct RelaySetting: Sendable {
    /// The flag without its leading `--`.
    public let flag: String
    public let environment: String
    /// The default as written in the documentation.
    public let defaultValue: String
    public let meaning: String
    let apply: @Sendable (inout RelayOptions, String) throws -> Void

    init(
        _ flag: String, _ environment: String, _ defaultValue: String, _ meaning: String,
        apply: @escaping @Sendable (inout RelayOptions, String) throws -> Void
    ) {
        self.flag = flag
        self.environment = environment
        self.defaultValue = defaultValue
        self.meaning = meaning
        self.apply = apply
    }

    /// Why a value was refused (what the setting accepts).
    struct InvalidValue: Error {
        let reason: String
    }

    static func integer(_ text: String, _ range: ClosedRange<Int>) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
            throw InvalidValue(reason: "expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// A byte count: digits, optionally followed by `KiB`, `MiB` or `GiB` (or `K`, `M`, `G`,
    /// also binary multiples).
    static func bytes(_ text: String, _ range: ClosedRange<Int64>) throws -> Int64 {
        let invalid = InvalidValue(reason: "expected a byte count from \(range.lowerBound) to \(range.upperBound), e.g. 1048576 or 1MiB")
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
        let shift: Int64
        switch trimmed.dropFirst(digits.count) {
        case "": shift = 0
        case "K", "KiB": shift = 10
        case "M", "MiB": shift = 20
        case "G", "GiB": shift = 30
        default: throw invalid
        }
        guard let number = Int64(digits), number <= (Int64.max >> shift) else { throw invalid }
        let value = number << shift
        guard range.contains(value) else { throw invalid }
        return value
    }

    /// A positive number of `unit`s (fractions allowed), at most `maximum`; returns seconds.
    static func duration(_ text: String, unit: String, seconds perUnit: Double, maximum: Double) throws -> TimeInterval {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite, value > 0, value <= maximum else {
            throw InvalidValue(reason: "expected a positive number of \(unit) up to \(Int(maximum))")
        }
        return value * perUnit
    }

    static func count(_ text: String, per unit: String, maximum: Int = 100_000_000) throws -> Int {
        do { return try integer(text, 0...maximum) } catch {
            throw InvalidValue(reason: "expected a count per \(unit) from 0 to \(maximum)")
        }
    }

    /// `host[:port]` names, comma-separated; a URL is accepted for its authority.
    static func authorities(_ text: String) throws -> [String] {
        let invalid = InvalidValue(reason: "expected comma-separated host[:port] names, e.g. relay.example or relay.example:8443")
        let names = try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { item in
            if item.contains("://") {
                guard let url = URL(string: item), url.path.isEmpty || url.path == "/", let authority = RequestSigning.authority(of: url) else { throw invalid }
                return authority
            }
            guard let authority = RequestSigning.normalizedAuthority(item), URL(string: "https://\(authority)")?.host != nil else { throw invalid }
            return authority
        }
        guard !names.isEmpty, names.count <= 8 else { throw invalid }
        return names
    }

    static func proxies(_ text: String) throws -> [AddressPrefix] {
        try text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }.map { item in
            guard let prefix = AddressPrefix(item) else {
                throw InvalidValue(reason: "expected a comma-separated list of IP addresses or CIDR prefixes, e.g. 127.0.0.1,10.0.0.0/8")
            }
            return prefix
        }
    }
}

extension RelayOptions {
    /// Every setting, in documentation order.
    public static let settings: [RelaySetting] = [
        RelaySetting("data-dir", "LETTERLOCK_DATA_DIR", "`./letterlock-data`", "SQLite database (`relay.sqlite`, WAL) and blob files") {
            options, text in
            guard !text.isEmpty, !text.contains("\0") else { throw RelaySetting.InvalidValue(reason: "expected a directory path") }
            options.dataDirectory = text
        },
        RelaySetting("host", "LETTERLOCK_HOST", "`127.0.0.1`", "listen address of both servers") { options, text in
            guard !text.isEmpty, text.utf8.count <= 255, text.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                throw RelaySetting.InvalidValue(reason: "expected a host name or IP address")
            }
            options.host = text
        },
        RelaySetting("port", "LETTERLOCK_PORT", "`8080`", "API and WebSocket port; `0` picks a free port and prints the URL") { options, text in
            options.port = try RelaySetting.integer(text, 0...65535)
        },
        RelaySetting("admin-port", "LETTERLOCK_ADMIN_PORT", "`9090`", "Prometheus `/metrics` and `/healthz`; `0` picks a free port") {
            options, text in
            options.adminPort = try RelaySetting.integer(text, 0...65535)
        },
        RelaySetting("log-level", "LETTERLOCK_LOG_LEVEL", "`info`", "`trace`, `debug`, `info`, `notice`, `warning`, `error`, `critical`") {
            options, text in
            guard let level = Logger.Level(rawValue: text) else {
                throw RelaySetting.InvalidValue(reason: "expected trace, debug, info, notice, warning, error or critical")
            }
            options.logLevel = level
        },
        RelaySetting("trusted-proxies", "LETTERLOCK_TRUSTED_PROXIES", "none", "comma-separated addresses or CIDR prefixes of reverse proxies whose `X-Forwarded-For` is believed") {
            options, text in
            options.relay.trustedProxies = try RelaySetting.proxies(text)
        },
        // Accounts and devices
        RelaySetting("device-limit", "LETTERLOCK_DEVICE_LIMIT", "`6`", "devices per account") { options, text in
            options.relay.deviceLimit = try RelaySetting.integer(text, 1...100)
        },
        // Bodies
        RelaySetting("max-payload-bytes", "LETTERLOCK_MAX_PAYLOAD_BYTES", "`1MiB`", "largest message payload (an encoded MLSMessage); the send body limit follows (x1.5 + 256 KiB)") {
            options, text in
            let bytes = Int(try RelaySetting.bytes(text, 1024...(3 << 19) - (64 << 10)))
            options.relay.maximumPayloadSize = bytes
            options.relay.maximumSendBodySize = bytes * 3 / 2 + 256 * 1024
        },
        RelaySetting("max-body-bytes", "LETTERLOCK_MAX_BODY_BYTES", "`256KiB`", "largest JSON body of every route other than sends and key-package uploads") { options, text in
            options.relay.maximumSmallBodySize = Int(try RelaySetting.bytes(text, 1024...(4 << 20)))
        },
        RelaySetting("max-recipients", "LETTERLOCK_MAX_RECIPIENTS", "`1000`", "recipient devices per sealed send") { options, text in
            options.relay.maximumRecipients = try RelaySetting.integer(text, 1...1_000)
        },
        // Rate limits
        RelaySetting("address-requests-per-minute", "LETTERLOCK_ADDRESS_REQUESTS_PER_MINUTE", "`3000`", "requests of any kind per hashed client address, checked first, in memory; `0` turns it off") {
            options, text in
            let limit = try RelaySetting.count(text, per: "minute")
            options.relay.addressRequestLimit = limit == 0 ? nil : RateLimitWindow(seconds: 60, limit: limit)
        },
        RelaySetting("device-requests-per-minute", "LETTERLOCK_DEVICE_REQUESTS_PER_MINUTE", "`1200`", "signed requests per device") { options, text in
            options.relay.deviceRequestLimits = [RateLimitWindow(seconds: 60, limit: try RelaySetting.count(text, per: "minute"))]
        },
        RelaySetting("registrations-per-hour", "LETTERLOCK_REGISTRATIONS_PER_HOUR", "`20`", "registrations per hashed client address") { options, text in
            options.relay.registrationLimits = [.perHour(try RelaySetting.count(text, per: "hour"))]
        },
        RelaySetting("sealed-sends-per-minute", "LETTERLOCK_SEALED_SENDS_PER_MINUTE", "`600`", "sealed sends per hashed client address") { options, text in
            options.relay.sealedSendLimits = [RateLimitWindow(seconds: 60, limit: try RelaySetting.count(text, per: "minute"))]
        },
        RelaySetting("requests-per-hour", "LETTERLOCK_REQUESTS_PER_HOUR", "`20`", "first-contact requests per sender account, per hour") { options, text in
            options.relay.requestLimits = Self.replacing(options.relay.requestLimits, seconds: 3600, with: try RelaySetting.count(text, per: "hour"))
        },
        RelaySetting("requests-per-day", "LETTERLOCK_REQUESTS_PER_DAY", "`100`", "first-contact requests per sender account, per day") { options, text in
            options.relay.requestLimits = Self.replacing(options.relay.requestLimits, seconds: 86_400, with: try RelaySetting.count(text, per: "day"))
        },
        RelaySetting("request-bytes-per-day", "LETTERLOCK_REQUEST_BYTES_PER_DAY", "`64MiB`", "request payload bytes per sender account per day (payload x recipient devices)") {
            options, text in
            options.relay.requestByteLimits = [.perDay(Int(try RelaySetting.bytes(text, 0...(1 << 40))))]
        },
        RelaySetting("key-package-claims-per-hour", "LETTERLOCK_KEY_PACKAGE_CLAIMS_PER_HOUR", "`600`", "KeyPackage claims per claiming device") { options, text in
            options.relay.keyPackageClaimLimits = [.perHour(try RelaySetting.count(text, per: "hour"))]
        },
        RelaySetting("key-package-claims-per-target-per-day", "LETTERLOCK_KEY_PACKAGE_CLAIMS_PER_TARGET_PER_DAY", "`20`", "KeyPackage claims per (claiming account, target device)") {
            options, text in
            options.relay.keyPackageClaimLimitsPerTarget = [.perDay(try RelaySetting.count(text, per: "day"))]
        },
        // Mailboxes and push
        RelaySetting("retention-days", "LETTERLOCK_RETENTION_DAYS", "`30`", "how long an unfetched message (and its commit claims) is kept") { options, text in
            options.relay.messageRetention = try RelaySetting.duration(text, unit: "days", seconds: 86_400, maximum: 3650)
        },
        RelaySetting("mailbox-entries", "LETTERLOCK_MAILBOX_ENTRIES", "`10000`", "entries per device queue (inbox, requests)") { options, text in
            options.relay.maximumMailboxEntries = try RelaySetting.integer(text, 1...10_000_000)
        },
        RelaySetting("mailbox-bytes-per-account", "LETTERLOCK_MAILBOX_BYTES_PER_ACCOUNT", "`512MiB`", "payload bytes queued for one account, all devices and queues") { options, text in
            options.relay.maximumMailboxBytesPerAccount = try RelaySetting.bytes(text, 1024...(1 << 50))
        },
        RelaySetting("page-size", "LETTERLOCK_PAGE_SIZE", "`100`", "entries per mailbox page and per WebSocket read of the store") { options, text in
            options.relay.maximumPageSize = try RelaySetting.integer(text, 1...1_000)
        },
        RelaySetting("websocket-window", "LETTERLOCK_WEBSOCKET_WINDOW", "`64`", "entries pushed and not yet acknowledged per connection (back-pressure)") { options, text in
            options.relay.webSocketWindow = try RelaySetting.integer(text, 1...10_000)
        },
        RelaySetting("websocket-auth-timeout-seconds", "LETTERLOCK_WEBSOCKET_AUTH_TIMEOUT_SECONDS", "`10`", "time a new WebSocket has to answer the challenge") {
            options, text in
            options.relay.webSocketAuthTimeout = .milliseconds(Int64(try RelaySetting.duration(text, unit: "seconds", seconds: 1, maximum: 300) * 1000))
        },
        // Authentication
        RelaySetting("timestamp-skew-seconds", "LETTERLOCK_TIMESTAMP_SKEW_SECONDS", "`300`", "allowed distance of a signed request's timestamp from the clock (nonces are kept twice as long)") {
            options, text in
            options.relay.timestampSkew = TimeInterval(try RelaySetting.integer(text, 1...3600))
        },
        RelaySetting(
            "public-authority", "LETTERLOCK_PUBLIC_AUTHORITY", "loopback only",
            "the relay's name as clients write its URL, `host[:port]` (the port only when not the scheme's default), comma-separated if several; every signed request must name one. Unset: only a loopback `Host` (`localhost`, `127.0.0.1`, `[::1]`), for local use"
        ) { options, text in
            options.relay.publicAuthorities = try RelaySetting.authorities(text)
        },
        // Key packages
        RelaySetting("key-packages-per-suite", "LETTERLOCK_KEY_PACKAGES_PER_SUITE", "`500`", "one-time KeyPackages one device may store per cipher suite") { options, text in
            options.relay.keyPackageLimitPerSuite = try RelaySetting.integer(text, 1...100_000)
        },
        // Blobs
        RelaySetting("blob-quota-bytes", "LETTERLOCK_BLOB_QUOTA_BYTES", "`1GiB`", "blob bytes (and pending uploads) per account") { options, text in
            options.relay.blobQuota = try RelaySetting.bytes(text, 0...(1 << 50))
        },
        RelaySetting("max-blob-bytes", "LETTERLOCK_MAX_BLOB_BYTES", "`256MiB`", "largest single blob") { options, text in
            options.relay.maximumBlobSize = try RelaySetting.bytes(text, 1...(1 << 40))
        },
        RelaySetting("blob-retention-days", "LETTERLOCK_BLOB_RETENTION_DAYS", "`30`", "a blob nobody deletes is erased this long after upload") { options, text in
            options.relay.blobRetention = try RelaySetting.duration(text, unit: "days", seconds: 86_400, maximum: 3650)
        },
        RelaySetting(
            "upload-window-bytes", "LETTERLOCK_UPLOAD_WINDOW_BYTES", "`64MiB`",
            "how far past an upload's offset a part may start, so a client keeps several parts in flight (at 4 MiB parts, 16)"
        ) { options, text in
            options.relay.uploadWindow = try RelaySetting.bytes(text, 1...(1 << 40))
        },
        RelaySetting(
            "upload-waiting-parts", "LETTERLOCK_UPLOAD_WAITING_PARTS", "`32`",
            "parts written ahead of an upload's offset that may wait at once, per upload (memory only); `0`: parts in order only"
        ) { options, text in
            options.relay.maximumWaitingParts = try RelaySetting.integer(text, 0...4_096)
        },
        RelaySetting("upload-lifetime-hours", "LETTERLOCK_UPLOAD_LIFETIME_HOURS", "`24`", "an unfinished upload is erased this long after it started") { options, text in
            options.relay.uploadLifetime = try RelaySetting.duration(text, unit: "hours", seconds: 3600, maximum: 24 * 365)
        },
        RelaySetting("sweep-interval-seconds", "LETTERLOCK_SWEEP_INTERVAL_SECONDS", "`60`", "how often expired entries, claims, counters and blobs are erased") { options, text in
            options.sweepInterval = .seconds(try RelaySetting.integer(text, 1...86_400))
        },
        // Disk
        RelaySetting(
            "min-free-disk-bytes", "LETTERLOCK_MIN_FREE_DISK_BYTES", "`1GiB`",
            "high-water mark: below this much free space on the data directory's filesystem, new messages, uploads and upload parts get `507 insufficient_storage` (acks, fetches, deletes and downloads go on); `0` turns it off"
        ) { options, text in
            options.relay.minimumFreeDiskBytes = try RelaySetting.bytes(text, 0...(1 << 50))
        },
    ]

    /// `windows` with the window of `seconds` set to `limit` (added if absent).
    static func replacing(_ windows: [RateLimitWindow], seconds: Int64, with limit: Int) -> [RateLimitWindow] {
        windows.filter { $0.seconds != seconds } + [RateLimitWindow(seconds: seconds, limit: limit)]
    }

    /// The settings as a Markdown table (flag, environment variable, default, meaning), as
    /// docs/relay.md holds it.
    public static var markdownTable: String {
        (["| flag | environment | default | meaning |", "| --- | --- | --- | --- |"]
            + settings.map { "| `--\($0.flag)` | `\($0.environment)` | \($0.defaultValue) | \($0.meaning) |" })
            .joined(separator: "\n")
    }

    /// The settings as `--help` prints them.
    public static var usage: String {
        var lines = ["usage: letterlock-relay [--name value | --name=value]...", "", "Each setting may also come from its environment variable; a flag wins.", ""]
        for setting in settings {
            lines.append("  --\(setting.flag) (\(setting.environment), default \(setting.defaultValue.replacingOccurrences(of: "`", with: "")))")
            lines.append("      \(setting.meaning.replacingOccurrences(of: "`", with: ""))")
        }
        return lines.joined(separator: "\n")
    }
}
