public import AsyncHTTPClient
import Crypto
public import Foundation
import RelayAPI
import Synchronization

/// One device's Letterlock client: its local state and its authenticated relay connection.
///
/// Open it with ``open(home:relayURL:passphrase:http:)`` on a registered home directory, or
/// create the account with ``register(home:relayURL:username:passphrase:keyProtection:http:)``.
/// Identity and contacts are in `LetterlockClient+Contacts.swift`, incoming mail in
/// `+Sync.swift`, devices and linking in `+Devices.swift`, safety numbers in `+Verification.swift`.
public final class LetterlockClient: Sendable {
    public let store: DeviceStore
    /// Signed as this device.
    public let relay: RelayClient
    public let identity: DeviceIdentity
    let signingKey: Curve25519.Signing.PrivateKey
    let agreementKey: Curve25519.KeyAgreement.PrivateKey
    /// The secrets as last saved (the delivery token can change).
    private let secrets: Mutex<DeviceSecrets>
    private let protection: KeyProtection?
    private let passphrase: String?
    let now: @Sendable () -> Date

    init(
        store: DeviceStore, identity: DeviceIdentity, secrets: DeviceSecrets, protection: KeyProtection?, passphrase: String?, relayURL: String?,
        http: HTTPClient, now: @escaping @Sendable () -> Date
    ) throws {
        guard let signingKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: secrets.signingKey),
            let agreementKey = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: secrets.agreementKey)
        else { throw LetterlockError.unsupportedStateVersion }
        self.store = store
        self.identity = identity
        self.signingKey = signingKey
        self.agreementKey = agreementKey
        self.secrets = Mutex(secrets)
        self.protection = protection
        self.passphrase = passphrase
        self.now = now
        self.relay = try RelayClient(
            relayURL: relayURL ?? identity.relayURL, credentials: .init(deviceID: identity.deviceID, signingKey: signingKey), http: http, now: now)
    }

    /// True when `home` holds a registered device.
    public static func isRegistered(home: URL) -> Bool {
        guard FileManager.default.fileExists(atPath: home.appendingPathComponent(DeviceStore.fileName).path),
            let store = try? DeviceStore(home: home)
        else { return false }
        return (try? store.storedIdentity()) != nil
    }

    /// The relay recorded at registration, nil when `home` holds no registered device (read
    /// without the passphrase: the relay URL is not sealed).
    public static func recordedRelay(home: URL) -> String? {
        guard FileManager.default.fileExists(atPath: home.appendingPathComponent(DeviceStore.fileName).path) else { return nil }
        return (try? DeviceStore(home: home).storedIdentity())?.identity.relayURL
    }

    /// True when the registered device's keys are protected by a passphrase.
    public static func needsPassphrase(home: URL) throws -> Bool {
        try DeviceStore(home: home).storedIdentity()?.protection != nil
    }

    /// Opens a registered device.
    ///
    /// - Parameters:
    ///   - relayURL: overrides the relay recorded at registration (for this session only).
    ///   - passphrase: required when the keys are protected; a wrong one is ``LetterlockError/wrongPassphrase``.
    public static func open(
        home: URL, relayURL: String? = nil, passphrase: String? = nil, http: HTTPClient = .letterlock,
        now: @escaping @Sendable () -> Date = { Date() }
    ) throws -> LetterlockClient {
        let store = try DeviceStore(home: home)
        guard let stored = try store.storedIdentity() else { throw LetterlockError.notRegistered }
        let secretBytes: Data
        if let protection = stored.protection {
            guard let passphrase else { throw LetterlockError.passphraseRequired }
            secretBytes = try protection.open(stored.secrets, passphrase: passphrase)
        } else {
            secretBytes = stored.secrets
        }
        guard let secrets = try? JSONDecoder().decode(DeviceSecrets.self, from: secretBytes) else { throw LetterlockError.unsupportedStateVersion }
        return try LetterlockClient(
            store: store, identity: stored.identity, secrets: secrets, protection: stored.protection, passphrase: passphrase, relayURL: relayURL,
            http: http, now: now)
    }

    /// Creates an account with this device as its first device, and its first delivery token.
    ///
    /// - Parameters:
    ///   - passphrase: when given, the private keys are sealed under it (``KeyProtection``).
    ///   - keyProtection: scrypt parameters (defaults to ``KeyProtection/fresh(logN:blockSize:parallelism:)``).
    public static func register(
        home: URL, relayURL: String, username: String? = nil, passphrase: String? = nil, keyProtection: KeyProtection? = nil,
        http: HTTPClient = .letterlock, now: @escaping @Sendable () -> Date = { Date() }
    ) async throws -> LetterlockClient {
        if let username, !Username.isValid(username) { throw LetterlockError.invalidUsername }
        let store = try DeviceStore(home: home)
        guard try store.storedIdentity() == nil else { throw LetterlockError.alreadyRegistered }
        let signingKey = Curve25519.Signing.PrivateKey()
        let agreementKey = Curve25519.KeyAgreement.PrivateKey()
        var relay = try RelayClient(relayURL: relayURL, http: http, now: now)
        let ids = try await relay.register(signingKey: signingKey, username: username)
        relay.credentials = .init(deviceID: ids.deviceID, signingKey: signingKey)
        let token = try await relay.rotateDeliveryToken()
        let contactSecret = Self.newContactSecret()
        let identity = DeviceIdentity(
            relayURL: relay.baseURL, accountID: ids.accountID, deviceID: ids.deviceID, username: username,
            signingPublicKey: signingKey.publicKey.rawRepresentation, agreementPublicKey: agreementKey.publicKey.rawRepresentation,
            createdAt: Date(timeIntervalSince1970: now().timeIntervalSince1970.rounded(.down))
        )
        let secrets = DeviceSecrets(
            signingKey: signingKey.rawRepresentation, agreementKey: agreementKey.rawRepresentation, deliveryToken: token,
            contactSecret: contactSecret)
        let protection = passphrase == nil ? nil : (keyProtection ?? .fresh())
        try store.saveIdentity(try sealed(identity: identity, secrets: secrets, protection: protection, passphrase: passphrase))
        let client = try LetterlockClient(
            store: store, identity: identity, secrets: secrets, protection: protection, passphrase: passphrase, relayURL: nil, http: http, now: now)
        _ = try? await client.refillKeyPackages()  // so contacts can start conversations with this device
        return client
    }

    static func sealed(identity: DeviceIdentity, secrets: DeviceSecrets, protection: KeyProtection?, passphrase: String?) throws
        -> DeviceStore.StoredIdentity
    {
        let plain = try JSONEncoder().encode(secrets)
        if let protection, let passphrase {
            return .init(identity: identity, secrets: try protection.seal(plain, passphrase: passphrase), protection: protection)
        }
        return .init(identity: identity, secrets: plain, protection: nil)
    }

    /// The account's delivery token as this device knows it.
    var deliveryToken: Data? { secrets.withLock { $0.deliveryToken } }

    /// The account's contact secret as this device knows it.
    var contactSecret: Data? { secrets.withLock { $0.contactSecret } }

    /// 32 random bytes, made on this device: the relay never learns them.
    static func newContactSecret() -> Data { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }

    /// Saves new secrets (sealed again under the same passphrase) and updated public identity.
    /// A nil `contactSecret` keeps the current one.
    func update(identity: DeviceIdentity? = nil, deliveryToken: Data?, contactSecret: Data? = nil) throws {
        let updated = secrets.withLock { current -> DeviceSecrets in
            current.deliveryToken = deliveryToken
            if let contactSecret { current.contactSecret = contactSecret }
            return current
        }
        try store.saveIdentity(
            try Self.sealed(identity: identity ?? self.identity, secrets: updated, protection: protection, passphrase: passphrase))
    }

    /// The account's card: this device first, then the other devices this device knows of.
    func ownCard(includingToken: Bool) throws -> ContactCard {
        var devices = [DeviceInfo(deviceID: identity.deviceID, signingKey: identity.signingPublicKey, agreementKey: identity.agreementPublicKey)]
        devices += try store.ownDevices().filter { $0.deviceID != identity.deviceID }
        return ContactCard(
            accountID: identity.accountID, username: try store.storedIdentity()?.identity.username ?? identity.username, devices: devices,
            deliveryToken: includingToken ? deliveryToken : nil, contactSecret: includingToken ? contactSecret : nil)
    }

    /// Content addressed from this device.
    func content(
        _ kind: EnvelopeContent.Kind, to recipientAccount: String, card: ContactCard? = nil, link: LinkMessage? = nil,
        firstMessage: FirstMessage? = nil
    ) -> EnvelopeContent {
        EnvelopeContent(
            kind: kind, senderAccount: identity.accountID, senderDevice: identity.deviceID, recipientAccount: recipientAccount,
            sentAt: Int64(now().timeIntervalSince1970), card: card, link: link, firstMessage: firstMessage)
    }
}
