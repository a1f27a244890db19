import WireFormat

extension MLSGroup {
    /// Joins a group from a Welcome addressed to the KeyPackage of `bundle` (see
    /// ``init(joining:keyPackage:privateKeys:ratchetTree:configuration:)``).
    public init(
        joining welcome: Welcome, keyPackageBundle bundle: KeyPackageBundle, ratchetTree: RatchetTreeIn? = nil, resuming old: MLSGroup? = nil,
        configuration: Configuration
    ) throws(MLSGroupError) {
        try self.init(
            joining: welcome, keyPackage: bundle.keyPackage.value, privateKeys: bundle.privateKeys, ratchetTree: ratchetTree, resuming: old,
            configuration: configuration)
    }

    /// Joins a group from a Welcome addressed to `keyPackage` (RFC 9420 §12.4.3.1), checking
    /// everything the RFC lists before trusting anything in it:
    ///
    /// 1. the Welcome's suite is the KeyPackage's, and it has an entry for our KeyPackageRef,
    ///    whose GroupSecrets decrypt with our init key; our private keys match the KeyPackage;
    /// 2. every PSK the GroupSecrets name is available (external PSKs from the store), each
    ///    nonce is `KDF.Nh` bytes, and at most one is a `reinit` or `branch` resumption PSK;
    /// 3. the GroupInfo decrypts with the welcome key and nonce and has the same suite;
    /// 4. the ratchet tree (the `ratchet_tree` extension, or `ratchetTree` given out of band)
    ///    passes ``RatchetTree/init(validating:crypto:groupID:expectedTreeHash:groupContextExtensions:leafValidator:)``:
    ///    tree hash, parent hashes, every leaf (§7.3), unmerged leaves, unique keys;
    /// 5. the GroupInfo signer's leaf is non-blank and the signature verifies with its key;
    /// 6. a leaf identical to our KeyPackage's leaf node exists (`my_leaf`);
    /// 7. the path secret, if present, gives keys for the lowest common ancestor of `my_leaf`
    ///    and the signer and every node above it on the signer's filtered direct path, each equal
    ///    to the tree's public key;
    /// 8. the key schedule from the joiner secret and PSKs gives the GroupInfo's confirmation tag.
    ///
    /// Lifetimes of the tree's leaves are checked only for well-formedness (§7.3); the
    /// configuration's credential validator sees every leaf.
    ///
    /// A Welcome naming a `reinit` or `branch` resumption PSK (§11.2, §11.3) needs the group it
    /// resumes as `old` (else ``MLSGroupError/reInitOrBranchNotSupported``): the PSK comes from
    /// it, and the new group must be at epoch 1 and fit it (``MLSGroupError/resumptionMismatch``):
    /// for `reinit`, `old` is reinitialized at the PSK's epoch and the group ID, version, suite
    /// and extensions are the ReInit's, and every old member is in the new group; for
    /// `branch`, the version and suite are the old group's and every new member was in it
    /// (members match by equal credentials).
    ///
    /// The caller must check that the group ID is not one of a group it is already in
    /// (§12.4.3.1: "Verify that the group_id is unique among the groups that the client is
    /// currently participating in"): the group cannot see the client's other groups.
    /// After a successful join, delete the KeyPackage's init private key: "KeyPackages are
    /// intended to be used only once" (§10), and `privateKeys` is taken by copy.
    public init(
        joining welcome: Welcome, keyPackage: KeyPackageIn, privateKeys: KeyPackagePrivateKeys, ratchetTree: RatchetTreeIn? = nil,
        resuming old: MLSGroup? = nil, configuration: Configuration
    ) throws(MLSGroupError) {
        let crypto: CryptoSuite
        do {
            crypto = try welcome.cipherSuite.crypto()
        } catch {
            throw .crypto(error)
        }
        guard keyPackage.cipherSuite == welcome.cipherSuite else { throw .welcome(.cipherSuiteMismatch) }
        guard privateKeys.initKey.publicKey == keyPackage.initKey,
            privateKeys.encryptionKey.publicKey == keyPackage.leafNode.encryptionKey,
            privateKeys.signatureKey.publicKey == keyPackage.leafNode.signatureKey
        else { throw .privateKeyMismatch }

        // 1. GroupSecrets.
        let reference = crypto.makeKeyPackageRef(keyPackage.wireBytes)
        let groupSecrets: GroupSecrets
        do {
            groupSecrets = try welcome.decryptGroupSecrets(keyPackageRef: reference, initKey: privateKeys.initKey, crypto: crypto)
        } catch {
            throw .welcome(error)
        }

        // 2. PSKs.
        var resumption: (usage: ResumptionPSKUsage, epoch: UInt64)?
        var reInitOrBranch = 0
        var pskInputs: [KeySchedule.PSKInput] = []
        for id in groupSecrets.psks {
            guard id.nonce.count == crypto.hashLength else { throw .pskNonceLength }
            if case .resumption(let usage, _, let epoch) = id.kind, usage != .application {
                reInitOrBranch += 1
                resumption = (usage, epoch)
            }
        }
        guard reInitOrBranch <= 1 else { throw .multipleReInitOrBranchPSKs }
        // §12.4.3.1 checks a reinit or branch Welcome against the old group (its last ReInit,
        // its members): without it, such a Welcome is refused.
        guard reInitOrBranch == 0 || old != nil else { throw .reInitOrBranchNotSupported }
        for id in groupSecrets.psks {
            let psk: Secret?
            if case .resumption(let usage, let pskGroupID, let epoch) = id.kind, usage != .application {
                psk = old?.groupID == pskGroupID ? old?.resumptionPSKs[epoch] : nil
            } else {
                psk = Self.lookUpPSK(id, groupID: nil, ownResumptionPSKs: [:], store: configuration.pskStore)
            }
            guard let psk else { throw .missingPSK }
            pskInputs.append(KeySchedule.PSKInput(id: id, psk: psk))
        }
        let pskSecret: Secret?
        do {
            pskSecret = pskInputs.isEmpty ? nil : try KeySchedule.pskSecret(crypto: crypto, psks: pskInputs)
        } catch {
            throw .crypto(error)
        }

        // 3. GroupInfo.
        let groupInfo: GroupInfo
        do {
            groupInfo = try welcome.decryptGroupInfo(joinerSecret: groupSecrets.joinerSecret, pskSecret: pskSecret, crypto: crypto)
        } catch {
            throw .welcome(error)
        }
        let context = groupInfo.groupContext
        // An epoch that cannot advance would make every later Commit fail (M1).
        guard context.epoch < UInt64.max else { throw .epochExhausted }

        // 4-5. The tree, validated before any leaf in it is trusted, then the signer.
        let tree = try Self.validatedTree(
            groupInfo: groupInfo, outOfBand: ratchetTree, crypto: crypto, configuration: configuration)

        if let resumption, let old {
            try Self.checkResumption(usage: resumption.usage, pskEpoch: resumption.epoch, old: old, context: context, tree: tree)
        }

        // 6. my_leaf.
        guard let ourLeaf = tree.occupiedLeaves.first(where: { tree.leaf(at: $0) == keyPackage.leafNode }) else {
            throw .ourLeafNotFound
        }

        // 7. Path secrets from the lowest common ancestor with the signer up to the root.
        var privateState = TreeKEMPrivateState(leafIndex: ourLeaf, leafKey: privateKeys.encryptionKey)
        if let pathSecret = groupSecrets.pathSecret {
            guard groupInfo.signer != ourLeaf else { throw .pathSecretMismatch }
            let ourNode = Int(ourLeaf) * 2
            let signerPath: [Int]
            do {
                signerPath = try tree.filteredDirectPath(of: groupInfo.signer)
            } catch {
                throw .tree(error)
            }
            guard let start = signerPath.firstIndex(where: { TreeArray.isInSubtree(ourNode, of: $0) }) else { throw .pathSecretMismatch }
            var secret = pathSecret
            for i in start..<signerPath.count {
                do {
                    if i > start { secret = try crypto.deriveSecret(secret: secret, label: "path") }
                    let key = try crypto.deriveKeyPair(ikm: try crypto.deriveSecret(secret: secret, label: "node"))
                    guard tree.parent(atNode: signerPath[i])?.encryptionKey == key.publicKey else { throw MLSGroupError.pathSecretMismatch }
                    try privateState.setPathSecret(secret, forNode: signerPath[i], crypto: crypto)
                } catch let error as MLSGroupError {
                    throw error
                } catch {
                    throw .pathSecretMismatch
                }
            }
        }

        // 8. Key schedule and confirmation tag.
        let secrets: EpochSecrets
        do {
            secrets = try groupInfo.verifiedEpochSecrets(joinerSecret: groupSecrets.joinerSecret, pskSecret: pskSecret, crypto: crypto)
        } catch {
            throw .welcome(error)
        }
        let interim = TranscriptHashes.interim(crypto: crypto, confirmed: context.confirmedTranscriptHash, confirmationTag: groupInfo.confirmationTag)
        let (keys, secretTree) = try EpochKeys.split(secrets, leafCount: tree.leafCount, configuration: configuration.secretTree)
        self.init(
            crypto: crypto, signer: privateKeys.signatureKey,
            epoch: EpochState(
                groupContext: context, tree: tree, privateState: privateState, keys: keys, secretTree: secretTree,
                interimTranscriptHash: interim),
            configuration: configuration)
    }

    /// The GroupInfo's tree (extension or out of band), validated (§12.4.3.1), and the GroupInfo
    /// signature checked with the signer's leaf in it.
    static func validatedTree(
        groupInfo: GroupInfo, outOfBand: RatchetTreeIn?, crypto: CryptoSuite, configuration: Configuration
    ) throws(MLSGroupError) -> RatchetTree {
        let context = groupInfo.groupContext
        let treeIn: RatchetTreeIn
        if let data = groupInfo.extensions.first(ofType: .ratchetTree)?.extensionData {
            do {
                treeIn = try RatchetTreeIn(wireBytes: data)
            } catch {
                throw .malformed(error)
            }
        } else if let outOfBand {
            treeIn = outOfBand
        } else {
            throw .missingRatchetTree
        }
        let tree: RatchetTree
        do {
            tree = try RatchetTree(
                validating: treeIn, crypto: crypto, groupID: context.groupID, expectedTreeHash: context.treeHash,
                groupContextExtensions: context.extensions, leafValidator: configuration.leafValidator(crypto))
        } catch {
            throw .tree(error)
        }
        guard let signerLeaf = tree.leaf(at: groupInfo.signer) else { throw .groupInfoSignerBlank }
        guard groupInfo.verifySignature(signatureKey: signerLeaf.signatureKey, crypto: crypto) else { throw .badGroupInfoSignature }
        return tree
    }
}
