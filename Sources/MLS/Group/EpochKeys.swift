/// The secrets a member keeps for the whole of one epoch (RFC 9420 §8, "Epoch-Derived Secrets").
///
/// Built by consuming an ``EpochSecrets``: its `encryption_secret` goes into the epoch's
/// ``SecretTree`` (which deletes node secrets as it derives keys, §9.2) and is not kept here,
/// and the `joiner_secret` and `welcome_secret` are dropped (a committer uses them for its
/// Welcome before that). Review item M4.
struct EpochKeys: Sendable {
    var senderDataSecret: Secret
    var exporterSecret: Secret
    var externalSecret: Secret
    var confirmationKey: Secret
    var membershipKey: Secret
    var resumptionPSK: Secret
    var epochAuthenticator: Secret
    var initSecret: Secret

    /// Splits `secrets` into the epoch-long keys and the epoch's secret tree for `leafCount` leaves.
    static func split(
        _ secrets: consuming EpochSecrets, leafCount: Int, configuration: SecretTree.Configuration
    ) throws(MLSGroupError) -> (keys: EpochKeys, secretTree: SecretTree) {
        let keys = EpochKeys(
            senderDataSecret: secrets.senderDataSecret, exporterSecret: secrets.exporterSecret,
            externalSecret: secrets.externalSecret, confirmationKey: secrets.confirmationKey,
            membershipKey: secrets.membershipKey, resumptionPSK: secrets.resumptionPSK,
            epochAuthenticator: secrets.epochAuthenticator, initSecret: secrets.initSecret)
        do {
            let tree = try SecretTree(
                crypto: secrets.crypto, encryptionSecret: secrets.encryptionSecret, leafCount: UInt32(leafCount), configuration: configuration)
            return (keys, tree)
        } catch {
            throw .secretTree(error)
        }
    }
}
