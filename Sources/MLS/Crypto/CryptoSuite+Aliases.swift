extension CryptoSuite {
    /// The primitives for `suite`, where `aliases` maps cipher-suite values that interop peers use
    /// to the supported suite whose primitives they mean (review M6).
    ///
    /// draft-ietf-mls-pq-ciphersuites has no IANA values yet, so implementations number the
    /// post-quantum suites themselves (Letterlock: 0xF0A1). The value cannot be translated at the
    /// boundary: it is signed in KeyPackageTBS and LeafNodeTBS (capabilities), hashed into the tree
    /// hash, and part of the GroupContext that feeds the key schedule. So a group with such a peer
    /// runs on the peer's value everywhere, and only the primitives come from the alias:
    ///
    /// ```swift
    /// let aliases: [CipherSuite: CipherSuite] = [CipherSuite(rawValue: 0x004D): .letterlockDefault]
    /// let crypto = try CryptoSuite(CipherSuite(rawValue: 0x004D), aliases: aliases)
    /// crypto.cipherSuite   // 0x004D: what KeyPackages, GroupContexts and Welcomes carry
    /// crypto.kem           // .xwing: the primitives of 0xF0A1
    /// ```
    ///
    /// A value not in `aliases` gives the suite itself, as ``init(_:)`` does.
    /// - Throws: ``MLSCryptoError/invalidArgument(_:)`` when an alias would redefine a registered
    ///   suite (RFC 9420 §17.1 values 1-7, or Letterlock's own provisional value), or points to
    ///   another alias; ``MLSCryptoError/unsupportedCipherSuite(_:)`` when the target is not
    ///   implemented.
    public init(_ suite: CipherSuite, aliases: [CipherSuite: CipherSuite]) throws(MLSCryptoError) {
        guard let target = aliases[suite] else {
            try self.init(suite)
            return
        }
        guard suite.name == nil else { throw .invalidArgument("cipher suite alias redefines a registered suite") }
        guard aliases[target] == nil else { throw .invalidArgument("cipher suite alias points to an alias") }
        let primitives = try CryptoSuite(target)
        self.init(cipherSuite: suite, primitivesOf: primitives)
    }
}
