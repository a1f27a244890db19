/// Tunables of conversations on one device.
public struct ConversationConfiguration: Sendable {
    /// One-time KeyPackages kept on the relay; refilled when fewer than ``keyPackageLowWater`` remain.
    public var keyPackageTarget = 20
    public var keyPackageLowWater = 5
    /// Post-compromise security: after this many messages sent by this device in a group, or
    /// this many seconds since its last commit with a path, the next send first commits a
    /// self-update (RFC 9420 §12.4, a Commit with an UpdatePath).
    public var selfUpdateAfterMessages = 100
    public var selfUpdateAfterSeconds: Int64 = 7 * 24 * 3600
    /// How many times a commit is rebuilt after the relay answers `commit_conflict`.
    public var conflictRetries = 5
    /// How many times a Commit waits for a member account's delivery token before failing with
    /// ``ConversationError/missingDeliveryToken`` (a receive pass after 50 ms, 100 ms, 200 ms…):
    /// a Commit by another member that added accounts is followed by its `info` message with
    /// their tokens, and a Commit rebuilt on that epoch needs them.
    public var memberTokenWaits = 5
    /// How many times an application message is re-sent in a new epoch after a concurrent
    /// commit may have made it unreadable (receivers drop duplicates by message id). A message
    /// that would need more is not dropped silently: it is reported
    /// (``LetterlockClient/ConversationReport/undelivered``, ``LetterlockClient/undeliveredMessages()``)
    /// so that the user can send it again.
    public var resendLimit = 10
    /// Messages that overtook their group's Welcome are kept on the device (and acknowledged
    /// at the relay, freeing their push slot) up to these bounds, and for
    /// ``earlyMessageLifetime`` seconds after they reached the relay; past a bound a message is
    /// left at the relay, which keeps it as long (docs/client.md, "Messages before their Welcome").
    public var earlyMessagesPerGroup = 256
    public var earlyMessagesTotal = 2_048
    public var earlyMessageBytes = 32 << 20
    public var earlyMessageLifetime: Int64 = 86_400
    /// The MLS cipher suite of new conversations: Letterlock's post-quantum hybrid default,
    /// MLS_128_MLKEM768X25519_AES128GCM_SHA256_Ed25519 (X-Wing), at its provisional codepoint
    /// 0xF0A1 (`CipherSuite.provisionalMLKEM768X25519Codepoint`; README, "Cipher suites").
    public var cipherSuite: UInt16 = 0xF0A1
    /// Tests only: called at each ``CommitStep``; throwing there stops the client as a crash
    /// would (what was saved stays saved). Nil in real use.
    public var interruption: (@Sendable (CommitStep) throws -> Void)?

    public init() {}
}

extension ConversationConfiguration {
    /// The configuration conversations use in this task (inject another with `$current.withValue`).
    @TaskLocal public static var current = ConversationConfiguration()
}
