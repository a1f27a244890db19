import Foundation
import RelayAPI

/// Safety numbers and the device-set change warning.
extension LetterlockClient {
    /// A contact's safety number and whether their devices changed since they were last accepted.
    public struct Verification: Sendable, Codable, Equatable {
        public var accountID: String
        public var username: String?
        /// 12 groups of 5 digits.
        public var safetyNumber: String
        /// True when the relay lists a device set different from the known one.
        public var devicesChanged: Bool
        /// Device ids the relay lists that are not known (or whose key changed).
        public var addedDevices: [String]
        /// Known device ids the relay no longer lists (or whose key changed).
        public var removedDevices: [String]
        /// Devices the relay lists for this account that this device does not know of (a device
        /// linked elsewhere, or one the relay added): they are not in the safety number.
        public var unknownOwnDevices: [String]
    }

    /// Computes the safety number (``SafetyNumber``) of this account, from the device keys this
    /// device holds itself (its own and those it linked or was told of when it joined), and a
    /// contact, from the key directory's current keys; compares the contact's devices with the known set,
    /// and records a change (``Contact/devicesChangedAt``) until ``confirmDevices(of:)``.
    public func verify(_ name: String) async throws -> Verification {
        let account = try await resolve(name)
        guard var contact = try store.contact(account) else { throw LetterlockError.unknownContact }
        let theirs = try await relay.devices(of: account)
        let mine = [identity.signingPublicKey] + (try store.ownDevices().filter { $0.deviceID != identity.deviceID }.map(\.signingKey))
        let knownOwn = Set([identity.deviceID] + (try store.ownDevices().map(\.deviceID)))
        let unknownOwn = try await relay.ownDevices().devices.map(\.deviceID).filter { !knownOwn.contains($0) }.sorted()
        let known = Set(contact.devices.map { "\($0.deviceID):\($0.signingKey.base64EncodedString())" })
        let current = Set(theirs.devices.map { "\($0.deviceID):\($0.publicKey.base64EncodedString())" })
        let added = current.subtracting(known).map { String($0.prefix(32)) }.sorted()
        let removed = known.subtracting(current).map { String($0.prefix(32)) }.sorted()
        let changed = !added.isEmpty || !removed.isEmpty
        if changed, contact.devicesChangedAt == nil {
            contact.devicesChangedAt = now()
            try store.saveContact(contact)
        }
        let number = SafetyNumber(
            (identity.accountID, mine), (account, theirs.devices.map(\.publicKey)))
        return Verification(
            accountID: account, username: contact.username, safetyNumber: number.description, devicesChanged: changed, addedDevices: added,
            removedDevices: removed, unknownOwnDevices: unknownOwn)
    }

    /// Checks every contact's device set against the relay; the contacts whose set changed.
    public func deviceChanges() async throws -> [Verification] {
        var changed: [Verification] = []
        for contact in try store.contacts() {
            let verification = try await verify(contact.accountID)
            if verification.devicesChanged { changed.append(verification) }
        }
        return changed
    }

    /// Accepts the relay's current device set for a contact as the known set, clearing the
    /// warning, provided it still gives `safetyNumber`, the number the user compared (digits;
    /// spacing ignored). Otherwise ``LetterlockError/safetyNumberChanged``: the relay must not be
    /// able to show one set while the user compares and another when they confirm. Agreement
    /// keys already known are kept.
    @discardableResult
    public func confirmDevices(of name: String, expecting safetyNumber: String) async throws -> Contact {
        let account = try await resolve(name)
        guard var contact = try store.contact(account) else { throw LetterlockError.unknownContact }
        let directory = try await relay.devices(of: account)
        let mine = [identity.signingPublicKey] + (try store.ownDevices().filter { $0.deviceID != identity.deviceID }.map(\.signingKey))
        let now = SafetyNumber((identity.accountID, mine), (account, directory.devices.map(\.publicKey))).description
        guard now.filter(\.isNumber) == safetyNumber.filter(\.isNumber) else { throw LetterlockError.safetyNumberChanged }
        let card = ContactCard(accountID: account, username: contact.username, devices: contact.devices, deliveryToken: nil)
        contact.devices = Self.merge(directory: directory, card: card)
        contact.devicesChangedAt = nil
        try store.saveContact(contact)
        return contact
    }
}
