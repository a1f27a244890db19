/// Translates cipher-suite values between Letterlock and an interop peer that numbers a suite
/// differently: the hook for the provisional post-quantum codepoint.
///
/// draft-ietf-mls-pq-ciphersuites has no IANA values yet, so implementations pick their own.
/// A connection to such a peer maps its value to ours on the way in and back on the way out;
/// values without an entry pass through unchanged.
///
/// ```swift
/// let map = try CipherSuite.CodepointMap([0x004D: .mls128MLKEM768X25519AES128GCMSHA256Ed25519])
/// let suite = map.local(fromPeer: wireValue)
/// ```
extension CipherSuite {
    public struct CodepointMap: Sendable, Equatable {
        private var toLocal: [UInt16: CipherSuite] = [:]
        private var toPeer: [CipherSuite: UInt16] = [:]

        /// The identity map.
        public init() {}

        /// A map from each peer value to the suite it means here.
        /// - Throws: ``MLSCryptoError`` when two peer values name the same suite (the way back would be ambiguous).
        public init(_ peerValues: [UInt16: CipherSuite]) throws(MLSCryptoError) {
            for (peer, local) in peerValues {
                guard toPeer[local] == nil else { throw .invalidArgument("two peer codepoints for one cipher suite") }
                toLocal[peer] = local
                toPeer[local] = peer
            }
        }

        /// The suite a value received from the peer means here.
        public func local(fromPeer value: UInt16) -> CipherSuite {
            toLocal[value] ?? CipherSuite(rawValue: value)
        }

        /// The value to send the peer for `suite`.
        public func peer(for suite: CipherSuite) -> UInt16 {
            toPeer[suite] ?? suite.rawValue
        }
    }
}
