import WireFormat

/// How LeafNode lifetimes (RFC 9420 §7.2, §7.3) are checked: against an injected clock, or
/// not at all.
public struct LifetimePolicy: Sendable {
    enum Mode: Sendable {
        case check(now: @Sendable () -> UInt64, maximumLifetime: UInt64)
        case ignore
    }

    let mode: Mode

    /// Check that the current time, from `now` (seconds since the Unix epoch), lies within
    /// each lifetime, and that no lifetime is longer than `maximumLifetime` seconds (the RFC
    /// requires applications to define such a maximum; the default is 90 days).
    public static func check(now: @escaping @Sendable () -> UInt64, maximumLifetime: UInt64 = 90 * 24 * 3600) -> LifetimePolicy {
        LifetimePolicy(mode: .check(now: now, maximumLifetime: maximumLifetime))
    }

    /// Do not check lifetimes. Only for replaying recorded data (the interop vectors' KeyPackages
    /// expired long ago; OpenMLS runs them the same way).
    public static let ignore = LifetimePolicy(mode: .ignore)

    /// Whether `lifetime` is acceptable under this policy: well formed, no longer than the
    /// maximum (RFC 9420 §7.2), and, when `atCurrentTime`, containing the clock's current time.
    func accepts(_ lifetime: Lifetime, atCurrentTime: Bool = true) -> Bool {
        switch mode {
        case .ignore:
            return true
        case .check(let now, let maximumLifetime):
            guard lifetime.notBefore <= lifetime.notAfter, lifetime.duration <= maximumLifetime else { return false }
            return !atCurrentTime || lifetime.contains(now())
        }
    }
}
