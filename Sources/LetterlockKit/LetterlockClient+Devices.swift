import Foundation
import Crypto
import RelayAPI

/// This account's devices: listing, revoking, and the existing device's half of linking.
extension LetterlockClient {
    public struct AccountDevice: Sendable, Codable, Equatable {
        public var deviceID: String
        public var isThisDevice: Bool
    }

    /// The account's devices as the relay lists them.
    public func devices() async throws -> [AccountDevice] {
        try await relay.ownDevices().devices.map { AccountDevice(deviceID: $0.deviceID, isThisDevice: $0.deviceID == identity.deviceID) }
    }

    /// Removes another device of this account (a lost or retired one). Contacts see the change
    /// as a device-set warning until they confirm it.
    public func revoke(_ deviceID: String) async throws {
        guard deviceID != identity.deviceID else { throw RelayClientError.lastDevice }
        try await relay.removeDevice(deviceID)
        try store.replaceOwnDevices(try store.ownDevices().filter { $0.deviceID != deviceID })
        // Out of every group too (best effort: a later receive, here or at any member, retries).
        var directory: [String: Set<String>] = [:]
        for conversation in try conversations() where conversation.active {
            _ = try? await removeRevokedDevices(conversation.id, cache: &directory)
        }
    }

    /// Links a new device to this account, given the code the new device shows
    /// (``DeviceJoin``). Sends an offer without secrets, waits for the new device's proof of key
    /// possession, shows the confirmation code (`confirm`: the link goes on only if it returns
    /// true, after the person checked the new device shows the same digits), adds it at the
    /// relay, then sends it the account's state sealed to its agreement key.
    ///
    /// The flow and its security properties are described in `docs/client.md`.
    @discardableResult
    public func linkDevice(
        code text: String, timeout: Duration = .seconds(120), pollInterval: Duration = .milliseconds(200),
        confirm: @Sendable (_ confirmationCode: String) async -> Bool
    ) async throws -> DeviceInfo {
        let code = try LinkCode(parsing: text)
        var offer = LinkMessage(pairing: code.pairing)
        offer.accountID = identity.accountID
        offer.offeringDevice = DeviceInfo(
            deviceID: identity.deviceID, signingKey: identity.signingPublicKey, agreementKey: identity.agreementPublicKey)
        // No token and no contact secret before both devices confirmed (review M3).
        let offerPayload = try Envelope.seal(
            content(.linkOffer, to: code.temporaryAccount, link: offer), signer: signingKey,
            protection: .devices([(code.temporaryDevice, code.agreementKey)]))
        try await relay.sendSealed(offerPayload, to: [(code.temporaryDevice, code.temporaryToken)])

        // Wait for the proof: a request from the temporary account, sealed to this device,
        // signed by the new key from the code.
        let deadline = ContinuousClock.now + timeout
        var proof: Data?
        var cursor: Int64?  // pages through the whole request queue, other requests included
        while proof == nil {
            guard ContinuousClock.now < deadline else { throw LetterlockError.linkTimedOut }
            let page = try await relay.mailbox(.requests, after: cursor)
            if let last = page.last { cursor = last.id }
            for entry in page where Envelope.isEnvelope(entry.payload) && entry.sender == code.temporaryAccount {
                guard let envelope = try? EnvelopeIn(parsing: entry.payload), envelope.protection == .devices,
                    let signed = try? envelope.open(deviceID: identity.deviceID, agreementKey: agreementKey),
                    signed.claimed.kind == .linkProof, signed.claimed.link?.pairing == code.pairing
                else { continue }
                guard let content = try? signed.verified(with: code.signingKey), content.recipientAccount == identity.accountID,
                    let candidate = content.link?.proof,
                    let key = try? Curve25519.Signing.PublicKey(rawRepresentation: code.signingKey),
                    key.isValidSignature(candidate, for: RequestSigning.addDeviceProof(account: identity.accountID, publicKey: code.signingKey))
                else {
                    // Anyone who saw the code can send a proof with the right pairing: a bad one is
                    // discarded, not a reason to abort, so it cannot stop the real device linking.
                    _ = try? await relay.answerRequest(entry.id, .ignore)
                    continue
                }
                try await relay.answerRequest(entry.id, .ignore)
                guard await confirm(code.confirmationCode(offeringSigningKey: identity.signingPublicKey)) else {
                    throw LetterlockError.linkRejected
                }
                proof = candidate
                break
            }
            if proof == nil, page.isEmpty { try await Task.sleep(for: pollInterval) }
        }
        guard let proof else { throw LetterlockError.linkTimedOut }

        let added = try await relay.addDevice(publicKey: code.signingKey, proof: proof)
        let newDevice = DeviceInfo(deviceID: added.deviceID, signingKey: code.signingKey, agreementKey: code.agreementKey)
        var own = try store.ownDevices().filter { $0.deviceID != identity.deviceID && $0.deviceID != newDevice.deviceID }
        own.append(newDevice)
        try store.replaceOwnDevices(own)

        var complete = LinkMessage(pairing: code.pairing)
        complete.accountID = identity.accountID
        complete.deviceID = added.deviceID
        complete.deliveryToken = deliveryToken
        complete.contactSecret = contactSecret
        complete.username = try store.storedIdentity()?.identity.username
        complete.devices = try ownCard(includingToken: false).devices
        complete.contacts = try store.contacts()
        complete.blocks = try store.blockedAccounts()
        let completePayload = try Envelope.seal(
            content(.linkComplete, to: code.temporaryAccount, link: complete), signer: signingKey,
            protection: .devices([(code.temporaryDevice, code.agreementKey)]))
        try await relay.sendSealed(completePayload, to: [(code.temporaryDevice, code.temporaryToken)])
        return newDevice
    }
}
