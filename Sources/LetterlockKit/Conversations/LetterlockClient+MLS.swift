import Crypto
import Foundation
import MLS
import RelayAPI
import WireFormat

/// The MLS plumbing of conversations: this device's MLS identity and signer, KeyPackages,
/// loading and sealing group states, and who receives a group's messages.
extension LetterlockClient {
    var sealer: LocalSealer { LocalSealer(agreementKey: agreementKey) }

    var conversationSettings: ConversationConfiguration { ConversationConfiguration.current }

    var conversationSuite: CipherSuite { CipherSuite(rawValue: conversationSettings.cipherSuite) }

    func mlsConfiguration() -> MLSGroup.Configuration {
        let now = self.now
        return MLSGroup.Configuration(
            lifetimePolicy: .check(now: { UInt64(max(0, now().timeIntervalSince1970)) }), credentialValidator: LetterlockIdentityValidator())
    }

    /// The MLS credential's identity: this account and device (16 bytes each).
    func mlsIdentity() throws -> LetterlockIdentity {
        guard let account = Self.bytes(hex: identity.accountID), let device = Self.bytes(hex: identity.deviceID),
            let value = LetterlockIdentity(accountID: account, deviceID: device)
        else { throw ConversationError.groupState }
        return value
    }

    /// MLS leaves are signed with the device's Ed25519 key, the one the key directory lists, so
    /// a KeyPackage can be checked against the directory (and the safety number covers it).
    func mlsSigner(_ crypto: CryptoSuite) throws -> SignaturePrivateKey {
        try SignaturePrivateKey(scheme: crypto.signatureScheme, serialized: Array(signingKey.rawRepresentation))
    }

    // MARK: KeyPackages

    /// Makes sure the relay holds enough one-time KeyPackages of this device (and a last-resort
    /// one), creating and uploading what is missing. Private keys are stored (sealed) before
    /// the upload, so a crash never leaves a published KeyPackage whose keys are lost.
    /// Returns how many were uploaded.
    @discardableResult
    public func refillKeyPackages() async throws -> Int {
        let settings = conversationSettings
        let suite = settings.cipherSuite
        let counts = try await relay.keyPackageCounts().counts.first { $0.cipherSuite == suite }
        let oneTime = counts?.oneTime ?? 0
        let haveLocalLastResort = try store.hasLastResortKeyPackage()
        let needLastResort = !(counts?.lastResort ?? false) || !haveLocalLastResort
        let missing = oneTime < settings.keyPackageLowWater ? settings.keyPackageTarget - oneTime : 0
        guard missing > 0 || needLastResort else { return 0 }
        let crypto = try CryptoSuite(conversationSuite)
        let signer = try mlsSigner(crypto)
        let identity = try mlsIdentity()
        var stored: [DeviceStore.StoredKeyPackage] = []
        var bodies: [KeyPackageBody] = []
        var lastResortBody: KeyPackageBody?
        for index in 0..<(missing + (needLastResort ? 1 : 0)) {
            let isLastResort = needLastResort && index == missing
            let bundle = try KeyPackageBundle(
                crypto: crypto, identity: identity, signatureKey: signer,
                configuration: .init(validity: isLastResort ? 60 * 24 * 3600 : 28 * 24 * 3600), now: UInt64(now().timeIntervalSince1970))
            let reference = Data(bundle.reference)
            var secret = WireWriter()
            secret.writeOpaque(bundle.privateKeys.initKey.serialized.exportedBytes)
            secret.writeOpaque(bundle.privateKeys.encryptionKey.serialized.exportedBytes)
            let keyPackageBytes = Data(bundle.keyPackage.value.wireBytes)
            stored.append(
                .init(
                    reference: reference, cipherSuite: suite, keyPackage: keyPackageBytes,
                    sealedPrivateKeys: try sealer.seal(secret.bytes, context: "key-package " + Self.hex(reference)), lastResort: isLastResort))
            let body = KeyPackageBody(cipherSuite: suite, data: Data(bundle.mlsMessage.wireBytes))
            if isLastResort { lastResortBody = body } else { bodies.append(body) }
        }
        try store.saveKeyPackages(stored, replacingLastResort: needLastResort)
        try await relay.uploadKeyPackages(bodies, lastResort: lastResortBody)
        return stored.count
    }

    /// Claims one KeyPackage of each device of `account` (except this device), each checked
    /// against the key directory: same suite, the leaf's signature key is the device's listed
    /// key, and the credential names that account and device. Devices without a KeyPackage are
    /// skipped; none at all is ``ConversationError/noKeyPackage``.
    func claimKeyPackages(of account: String, excludingDevices: Set<String> = []) async throws -> [KeyPackageIn] {
        let directory = try await relay.devices(of: account)
        var packages: [KeyPackageIn] = []
        for device in directory.devices where device.deviceID != identity.deviceID && !excludingDevices.contains(device.deviceID) {
            let claimed: KeyPackageClaimResponse
            do {
                claimed = try await relay.claimKeyPackage(of: device.deviceID, cipherSuite: conversationSettings.cipherSuite)
            } catch let error as RelayClientError where error.code == "no_key_package" {
                continue
            }
            guard let message = try? MLSMessage(wireBytes: Array(claimed.data)), case .keyPackage(let keyPackage) = message.body,
                keyPackage.cipherSuite == conversationSuite, keyPackage.leafNode.signatureKey == Array(device.publicKey),
                let named = LetterlockIdentity(credential: keyPackage.leafNode.credential),
                Self.hex(named.accountID) == account, Self.hex(named.deviceID) == device.deviceID
            else { throw ConversationError.badKeyPackage }
            packages.append(keyPackage)
        }
        return packages
    }

    // MARK: Group state

    struct LoadedGroup {
        var stored: DeviceStore.StoredConversation
        var group: MLSGroup
        var id: String { stored.conversation.id }
    }

    func loadGroup(_ id: String) throws -> LoadedGroup {
        guard let stored = try store.storedConversation(id) else { throw ConversationError.unknownConversation }
        guard stored.conversation.active, let sealed = stored.sealedState else { throw ConversationError.leftConversation }
        return try openGroup(stored, sealed: sealed)
    }

    /// `loaded` brought up to date with the store: unsealed and decoded again only when the
    /// sealed group state changed since it was loaded (every save seals afresh, under a new
    /// nonce), the other fields taken as stored. Lets a sequence of checks share one load.
    func refreshed(_ loaded: LoadedGroup) throws -> LoadedGroup {
        guard let stored = try store.storedConversation(loaded.id) else { throw ConversationError.unknownConversation }
        guard stored.conversation.active, let sealed = stored.sealedState else { throw ConversationError.leftConversation }
        guard sealed == loaded.stored.sealedState else { return try openGroup(stored, sealed: sealed) }
        return LoadedGroup(stored: stored, group: loaded.group)
    }

    /// Unseals and decodes a stored group state (`sealed` is `stored.sealedState`).
    func openGroup(_ stored: DeviceStore.StoredConversation, sealed: Data) throws -> LoadedGroup {
        let bytes = try sealer.open(sealed, context: "group " + stored.conversation.id)
        do {
            return LoadedGroup(stored: stored, group: try MLSGroup(serialized: bytes, configuration: mlsConfiguration()))
        } catch {
            throw ConversationError.groupState
        }
    }

    /// The stored record updated from `group`: sealed state, epoch, member accounts.
    func record(_ loaded: LoadedGroup) throws -> DeviceStore.StoredConversation {
        var stored = loaded.stored
        stored.sealedState = try sealer.seal(loaded.group.serialized(), context: "group " + loaded.id)
        stored.conversation.epoch = loaded.group.epochNumber
        stored.conversation.members = Array(Set(Self.memberDevices(loaded.group).map(\.account))).sorted()
        return stored
    }

    struct MemberDevice: Hashable {
        var account: String
        var device: String
        var leaf: UInt32
    }

    static func memberDevices(_ group: MLSGroup) -> [MemberDevice] {
        group.members.compactMap { member in
            LetterlockIdentity(credential: member.credential).map {
                MemberDevice(account: hex($0.accountID), device: hex($0.deviceID), leaf: member.leafIndex)
            }
        }
    }

    /// The delivery token for a member account: ours, then an accepted contact's (the account
    /// sends its contacts every new token itself), then the copy the group shared.
    func token(for account: String, in stored: DeviceStore.StoredConversation) throws -> Data? {
        if account == identity.accountID { return deliveryToken }
        if let contact = try store.contact(account), contact.state == .accepted, let token = contact.deliveryToken { return token }
        return stored.tokens[account]
    }

    /// Every member device but this one, with its account's token, for a sealed send.
    func recipients(_ group: MLSGroup, _ stored: DeviceStore.StoredConversation) throws -> [(deviceID: String, token: Data)] {
        try Self.memberDevices(group).filter { $0.device != identity.deviceID }.map { member in
            guard let token = try token(for: member.account, in: stored) else { throw ConversationError.missingDeliveryToken }
            return (member.device, token)
        }
    }

    /// Sends one MLS message sealed to `recipients` (nothing to do when there are none).
    func deliver(_ message: MLSMessage, to recipients: [(deviceID: String, token: Data)]) async throws {
        guard !recipients.isEmpty else { return }
        try await relay.sendSealed(Data(message.wireBytes), to: recipients)
    }

    // MARK: Hex

    static func hex(_ bytes: some Sequence<UInt8>) -> String {
        bytes.map { String(format: "%02x", $0) }.joined()
    }

    static func bytes(hex: String) -> [UInt8]? {
        let utf8 = Array(hex.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var index = 0
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x61 + 10
        case 0x41...0x46: c - 0x41 + 10
        default: nil
        }
    }
}

extension LetterlockClient {
    /// The private keys of a stored KeyPackage (`opaque init_key<V>`, `opaque encryption_key<V>`).
    func keyPackageKeys(_ stored: DeviceStore.StoredKeyPackage, crypto: CryptoSuite) throws -> KeyPackagePrivateKeys {
        var reader = WireReader(try sealer.open(stored.sealedPrivateKeys, context: "key-package " + Self.hex(stored.reference)))
        do {
            let initKey = try reader.readOpaque()
            let encryptionKey = try reader.readOpaque()
            try reader.expectEnd()
            return KeyPackagePrivateKeys(
                initKey: try HPKEPrivateKey(kem: crypto.kem, serialized: initKey),
                encryptionKey: try HPKEPrivateKey(kem: crypto.kem, serialized: encryptionKey), signatureKey: try mlsSigner(crypto))
        } catch {
            throw ConversationError.groupState
        }
    }
}
