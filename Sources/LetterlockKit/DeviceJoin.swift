public import AsyncHTTPClient
public import Foundation
import Crypto
import RelayAPI

/// The new device's half of linking it to an existing account.
///
/// 1. ``begin(home:relayURL:http:)`` creates the device's real keys and a *temporary* account
///    at the relay (a throwaway key) whose mailbox is the only way to reach a device that has no
///    id yet, and shows a ``LinkCode``: the temporary mailbox and token, the new public keys and
///    a random pairing value.
/// 2. The user enters the code on an existing device (``LetterlockClient/linkDevice(code:timeout:pollInterval:confirm:)``),
///    which sends an offer (its account id and keys, nothing secret) sealed to the new agreement
///    key.
/// 3. ``complete(passphrase:keyProtection:timeout:pollInterval:confirm:)`` checks the offer against
///    the key directory and shows the account and a six-digit confirmation code
///    (``LinkCode/confirmationCode(offeringSigningKey:)``); only once the person confirms that
///    the existing device shows the same digits does it sign the relay's add-device proof and
///    send it back, as a message request (identified by the temporary account, sealed to the
///    offering device: the new device holds no token of the account yet).
/// 4. The existing device shows the same code and, once confirmed there too, adds the key and
///    sends the account's state (device id, token, contact secret, contacts, blocks): secrets
///    leave it only after both confirmations (review M3). The new device saves them and
///    deletes the temporary account.
public final class DeviceJoin: Sendable {
    public let code: LinkCode
    let home: URL
    let store: DeviceStore
    let temporary: RelayClient
    let signingKey: Curve25519.Signing.PrivateKey
    let agreementKey: Curve25519.KeyAgreement.PrivateKey
    let http: HTTPClient

    init(
        code: LinkCode, home: URL, store: DeviceStore, temporary: RelayClient, signingKey: Curve25519.Signing.PrivateKey,
        agreementKey: Curve25519.KeyAgreement.PrivateKey, http: HTTPClient
    ) {
        self.code = code
        self.home = home
        self.store = store
        self.temporary = temporary
        self.signingKey = signingKey
        self.agreementKey = agreementKey
        self.http = http
    }

    /// Starts linking on an unregistered home directory.
    public static func begin(home: URL, relayURL: String, http: HTTPClient = .letterlock) async throws -> DeviceJoin {
        let store = try DeviceStore(home: home)
        guard try store.storedIdentity() == nil else { throw LetterlockError.alreadyRegistered }
        let temporaryKey = Curve25519.Signing.PrivateKey()
        var temporary = try RelayClient(relayURL: relayURL, http: http)
        let ids = try await temporary.register(signingKey: temporaryKey, username: nil)
        temporary.credentials = .init(deviceID: ids.deviceID, signingKey: temporaryKey)
        let token = try await temporary.rotateDeliveryToken()
        let signingKey = Curve25519.Signing.PrivateKey()
        let agreementKey = Curve25519.KeyAgreement.PrivateKey()
        let code = LinkCode(
            temporaryAccount: ids.accountID, temporaryDevice: ids.deviceID, temporaryToken: token,
            signingKey: signingKey.publicKey.rawRepresentation, agreementKey: agreementKey.publicKey.rawRepresentation,
            pairing: SymmetricKey(size: .bits128).withUnsafeBytes { Data($0) })
        return DeviceJoin(
            code: code, home: home, store: store, temporary: temporary, signingKey: signingKey, agreementKey: agreementKey, http: http)
    }

    /// What the new device shows before it commits to an offer.
    public struct Offer: Sendable, Hashable {
        /// The account to be joined (`letterlock whoami` on the other device shows it).
        public var accountID: String
        /// Six digits the existing device shows too when nobody is in between.
        public var confirmationCode: String
    }

    /// Waits for the existing device, completes the link and returns the new device's client.
    ///
    /// - Parameter confirm: called with the offer before anything is sent back; the link goes
    ///   on only if it returns true (a person compared the account and the confirmation code
    ///   with the other device). False ends linking with ``LetterlockError/linkRejected``.
    public func complete(
        passphrase: String? = nil, keyProtection: KeyProtection? = nil, timeout: Duration = .seconds(120),
        pollInterval: Duration = .milliseconds(200), confirm: @Sendable (Offer) async -> Bool
    ) async throws -> LetterlockClient {
        let deadline = ContinuousClock.now + timeout
        var offer: (link: LinkMessage, device: DeviceInfo)?
        var complete: LinkMessage?
        while complete == nil {
            guard ContinuousClock.now < deadline else { throw LetterlockError.linkTimedOut }
            var acknowledged: [Int64] = []
            for entry in try await temporary.mailbox(.inbox) {
                acknowledged.append(entry.id)
                guard let envelope = try? EnvelopeIn(parsing: entry.payload), envelope.protection == .devices,
                    let signed = try? envelope.open(deviceID: code.temporaryDevice, agreementKey: agreementKey),
                    signed.claimed.link?.pairing == code.pairing, signed.claimed.recipientAccount == code.temporaryAccount
                else { continue }
                if offer == nil, signed.claimed.kind == .linkOffer {
                    offer = try await acceptOffer(signed, confirm: confirm)
                } else if let current = offer, signed.claimed.kind == .linkComplete,
                    let content = try? signed.verified(with: current.device.signingKey), content.senderDevice == current.device.deviceID,
                    let link = content.link, link.accountID == current.link.accountID, let id = link.deviceID, RelayClient.isRelayID(id)
                {
                    complete = link
                }
            }
            try await temporary.acknowledge(acknowledged)
            if complete == nil { try await Task.sleep(for: pollInterval) }
        }
        guard let complete, let offer, let accountID = offer.link.accountID, let deviceID = complete.deviceID else {
            throw LetterlockError.linkRejected
        }
        // Prove the relay really added this key, under this id, to this account.
        let relay = try RelayClient(relayURL: temporary.baseURL, credentials: .init(deviceID: deviceID, signingKey: signingKey), http: http)
        let own = try await relay.ownDevices()
        guard own.accountID == accountID, own.devices.contains(where: { $0.deviceID == deviceID && $0.publicKey == code.signingKey })
        else { throw LetterlockError.linkRejected }
        try? await temporary.deleteAccount()

        let identity = DeviceIdentity(
            relayURL: temporary.baseURL, accountID: accountID, deviceID: deviceID, username: complete.username,
            signingPublicKey: signingKey.publicKey.rawRepresentation, agreementPublicKey: agreementKey.publicKey.rawRepresentation,
            createdAt: Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down)))
        let secrets = DeviceSecrets(
            signingKey: signingKey.rawRepresentation, agreementKey: agreementKey.rawRepresentation,
            deliveryToken: complete.deliveryToken, contactSecret: complete.contactSecret)
        let protection = passphrase == nil ? nil : (keyProtection ?? .fresh())
        try store.replaceOwnDevices((complete.devices ?? []).filter { $0.deviceID != deviceID })
        for contact in complete.contacts ?? [] where RelayClient.isRelayID(contact.accountID) { try store.saveContact(contact) }
        for blocked in complete.blocks ?? [] where RelayClient.isRelayID(blocked) { try store.saveBlock(blocked, at: Date()) }
        try store.saveIdentity(try LetterlockClient.sealed(identity: identity, secrets: secrets, protection: protection, passphrase: passphrase))
        let client = try LetterlockClient.open(home: home, passphrase: passphrase, http: http)
        // KeyPackages now, as at registration: the account's other devices add this one to
        // its conversations only with one, and before that this device cannot be in any.
        _ = try? await client.refillKeyPackages()
        return client
    }

    /// Checks an offer (its signer is a device the directory lists for the offered account),
    /// asks for confirmation, then signs the relay's add-device proof and sends it back sealed
    /// to that device, as a message request.
    private func acceptOffer(_ signed: SignedEnvelope, confirm: @Sendable (Offer) async -> Bool) async throws
        -> (link: LinkMessage, device: DeviceInfo)?
    {
        guard let link = signed.claimed.link, let account = link.accountID, let device = link.offeringDevice,
            let agreement = device.agreementKey, RelayClient.isRelayID(account),
            device.deviceID == signed.claimed.senderDevice, account == signed.claimed.senderAccount
        else { return nil }
        let directory = try await temporary.devices(of: account)
        guard directory.devices.contains(where: { $0.deviceID == device.deviceID && $0.publicKey == device.signingKey }),
            (try? signed.verified(with: device.signingKey)) != nil
        else { return nil }
        guard await confirm(Offer(accountID: account, confirmationCode: code.confirmationCode(offeringSigningKey: device.signingKey))) else {
            throw LetterlockError.linkRejected
        }
        var proofMessage = LinkMessage(pairing: code.pairing)
        proofMessage.proof = try signingKey.signature(for: RequestSigning.addDeviceProof(account: account, publicKey: code.signingKey))
        let content = EnvelopeContent(
            kind: .linkProof, senderAccount: code.temporaryAccount, senderDevice: code.temporaryDevice, recipientAccount: account,
            sentAt: Int64(Date().timeIntervalSince1970), link: proofMessage)
        let payload = try Envelope.seal(content, signer: signingKey, protection: .devices([(device.deviceID, agreement)]))
        try await temporary.sendRequest(payload, to: [device.deviceID])
        return (link, device)
    }
}
