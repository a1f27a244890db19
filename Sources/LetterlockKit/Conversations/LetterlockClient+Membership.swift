import Foundation
import MLS
import RelayAPI

/// Keeping a group's tree to the truth: devices revoked at the relay are removed, and leaves
/// are committed even when their Remove proposals lapse (docs/client.md, "Membership upkeep").
extension LetterlockClient {
    // MARK: Revoked devices

    /// The device ids of a conversation's MLS tree (every member device, this one included).
    public func memberDevices(in conversationID: String) throws -> [String] {
        Self.memberDevices(try loadGroup(conversationID).group).map(\.device)
    }

    /// The devices the relay's key directory lists for `account` (none when the account is gone).
    func listedDevices(of account: String, cache: inout [String: Set<String>]) async throws -> Set<String> {
        if let known = cache[account] { return known }
        let listed: Set<String>
        do {
            listed = Set(try await relay.devices(of: account).devices.map(\.deviceID))
        } catch let error as RelayClientError where error == .notFound {
            listed = []
        }
        cache[account] = listed
        return listed
    }

    /// Removes from the group every device its account no longer lists at the relay (revoked,
    /// or the account deleted): any member that notices commits the Removes; members noticing
    /// at once conflict at the relay and the losers find nothing left to do. This device is
    /// never among them (it would not be signed in otherwise). Returns true when a Commit was made.
    ///
    /// The relay could make members remove a device by hiding it from the directory; it can
    /// deny service anyway, and the removal is visible to every member.
    func removeRevokedDevices(_ conversationID: String, cache: inout [String: Set<String>]) async throws -> Bool {
        try await removeRevokedDevices(try loadGroup(conversationID), cache: &cache)
    }

    /// ``removeRevokedDevices(_:cache:)`` with the group already loaded (its members are read;
    /// the Commit, if any, works on the state as stored then).
    func removeRevokedDevices(_ loaded: LoadedGroup, cache: inout [String: Set<String>]) async throws -> Bool {
        let conversationID = loaded.id
        let members = Self.memberDevices(loaded.group)
        var gone: Set<String> = []
        for account in Set(members.map(\.account)) {
            let listed = try await listedDevices(of: account, cache: &cache)
            for member in members where member.account == account && member.device != identity.deviceID && !listed.contains(member.device) {
                gone.insert(member.device)
            }
        }
        guard !gone.isEmpty else { return false }
        let summary = try await commit(in: conversationID) { group in
            let leaves = Self.memberDevices(group).filter { gone.contains($0.device) }.map(\.leaf)
            return leaves.isEmpty ? nil : CommitOptions(removing: leaves, encrypted: true)
        }
        return summary != nil
    }

    /// Sends `message` to `recipients`; when the relay refuses a recipient (`unknown_recipient`:
    /// a member device revoked since it joined, before its removal is committed), sends once
    /// more to those whose accounts still list them. When every recipient is still listed, the
    /// refusal is a token the account rotated: ``ConversationError/staleDeliveryToken`` (what
    /// was being sent stays pending; the account's new token comes in its `info` or card, and
    /// the next ``receive()`` sends it).
    func deliverToMembers(_ message: MLSMessage, _ group: MLSGroup, to recipients: [(deviceID: String, token: Data)]) async throws {
        do {
            try await deliver(message, to: recipients)
        } catch let error as RelayClientError where error.code == "unknown_recipient" {
            var cache: [String: Set<String>] = [:]
            let accountOf = Dictionary(Self.memberDevices(group).map { ($0.device, $0.account) }, uniquingKeysWith: { first, _ in first })
            var listed: [(deviceID: String, token: Data)] = []
            for recipient in recipients {
                let account = recipient.deviceID == identity.deviceID ? identity.accountID : accountOf[recipient.deviceID]
                guard let account else { continue }
                if try await listedDevices(of: account, cache: &cache).contains(recipient.deviceID) { listed.append(recipient) }
            }
            guard listed.count < recipients.count else { throw ConversationError.staleDeliveryToken }
            try await deliver(message, to: listed)
        }
    }

    // MARK: Leaving

    /// Proposes the removal of every device of this account still in the group (our own leaf
    /// last: proposals from a member are only valid while it is in the tree), sends the
    /// proposals, and records the epoch. Returns the group with the proposals cached.
    func proposeOwnRemoval(_ loaded: inout LoadedGroup) async throws {
        let recipients = try recipients(loaded.group, loaded.stored)
        let own = Self.memberDevices(loaded.group).filter { $0.account == identity.accountID }
        var proposals: [MLSMessage] = []
        for member in own.sorted(by: { ($0.device == identity.deviceID ? 1 : 0) < ($1.device == identity.deviceID ? 1 : 0) }) {
            proposals.append(try loaded.group.propose(.remove(Remove(removed: member.leaf)), encrypted: true))
        }
        var stored = try record(loaded)
        stored.conversation.active = false
        // Saved before the send: the sending keys are spent, and the leave is on record.
        try store.apply(.init(conversation: stored, leave: (loaded.id, loaded.group.epochNumber)))
        loaded.stored = stored
        for proposal in proposals { try await deliverToMembers(proposal, loaded.group, to: recipients) }
    }

    /// Leaves a group whose members are all devices of this account: commits the removal of
    /// the other devices (a member can remove others, only not itself, RFC 9420 §12.2; they
    /// drop the group on that Commit, as on any Commit removing them), then deletes the group
    /// state here, keeping the history. Returns false, changing nothing more, when another
    /// account's device joined meanwhile (a racing Commit won): the usual leave applies then.
    func leaveOwnAccountGroup(_ conversationID: String) async throws -> Bool {
        let own = identity.accountID
        let onlyOwn = { (group: MLSGroup) in Self.memberDevices(group).allSatisfy { $0.account == own } }
        _ = try await commit(in: conversationID) { group in
            guard onlyOwn(group) else { return nil }
            let others = Self.memberDevices(group).filter { $0.device != self.identity.deviceID }.map(\.leaf)
            return others.isEmpty ? nil : CommitOptions(removing: others, encrypted: true)
        }
        let loaded = try loadGroup(conversationID)
        guard onlyOwn(loaded.group) else { return false }
        var stored = try record(loaded)
        stored.conversation.active = false
        stored.sealedState = nil
        try store.apply(.init(conversation: stored))
        return true
    }

    /// A group this device is leaving (inactive, state kept until a Commit removes it).
    func loadLeavingGroup(_ id: String) throws -> LoadedGroup? {
        guard let stored = try store.storedConversation(id), !stored.conversation.active, let sealed = stored.sealedState,
            try store.leaveProposedEpoch(id) != nil
        else { return nil }
        return try openGroup(stored, sealed: sealed)
    }

    /// A message for a group this device is leaving: only Commits matter. One that removes us
    /// ends the leave (the state is erased); another moves the group on, and ``continueLeaving(_:)``
    /// proposes the removal again in the new epoch (the earlier proposals lapsed with theirs).
    func handleWhileLeaving(_ loaded: LoadedGroup, _ message: MLSMessage, entryID: Int64) throws -> Bool {
        var loaded = loaded
        guard case .commit(let summary) = try? loaded.group.process(message) else {
            try store.markProcessed(entryID, at: now())
            return false
        }
        if summary.removedUs {
            var stored = loaded.stored
            stored.sealedState = nil
            try store.apply(.init(conversation: stored, processedEntry: entryID, leave: (loaded.id, nil)))
        } else {
            var stored = try record(loaded)
            stored.conversation.active = false
            try store.apply(.init(conversation: stored, processedEntry: entryID))
        }
        return true
    }

    /// Proposes our removal again when the group moved past the epoch of our last proposals
    /// without removing us (another member's Commit won that epoch).
    func continueLeaving(_ conversationID: String) async throws {
        guard var loaded = try loadLeavingGroup(conversationID), let proposed = try store.leaveProposedEpoch(conversationID),
            loaded.group.epochNumber > proposed
        else { return }
        try await proposeOwnRemoval(&loaded)
    }

    /// Commits the leaves (Remove proposals of a member for its own account's devices) still
    /// cached in the group: the proposals of someone leaving that an earlier attempt did not
    /// commit. This device never commits its own account's leave (it cannot remove itself;
    /// another account's member commits all of it). Returns true when a Commit was made.
    func commitPendingLeaves(_ conversationID: String) async throws -> Bool {
        try await commitPendingLeaves(try loadGroup(conversationID))
    }

    /// ``commitPendingLeaves(_:)`` with the group already loaded (the Commit, if any, checks the
    /// state as stored then again).
    func commitPendingLeaves(_ loaded: LoadedGroup) async throws -> Bool {
        guard Self.hasLeaveToCommit(loaded.group, ownAccount: identity.accountID) else { return false }
        let summary = try await commit(in: loaded.id) { group in
            Self.hasLeaveToCommit(group, ownAccount: self.identity.accountID) ? CommitOptions(includePendingProposals: true, encrypted: true) : nil
        }
        return summary != nil
    }

    static func hasLeaveToCommit(_ group: MLSGroup, ownAccount: String) -> Bool {
        let members = memberDevices(group)
        return group.pendingProposals.contains { proposal in
            guard case .remove(let remove) = proposal.proposal, case .member(let senderLeaf) = proposal.sender,
                let from = members.first(where: { $0.leaf == senderLeaf }), let target = members.first(where: { $0.leaf == remove.removed })
            else { return false }
            return from.account == target.account && target.account != ownAccount
        }
    }
}
