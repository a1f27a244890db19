extension MLSGroup {
    /// The cached proposals a Commit of ours covers together with `own` (our proposals by
    /// value, which take precedence), in the order received (RFC 9420 §12.4: "The sender of a
    /// Commit SHOULD include all proposals that it has received during the current epoch that
    /// are valid according to the rules for their proposal types and according to application
    /// policy, as long as this results in a valid proposal list").
    ///
    /// Each cached proposal was checked on its own when it was received
    /// (``checkProposalOnItsOwn(_:sender:)``); here conflicts are resolved with the RFC's
    /// preferences (§12.2): a Remove over an Update of the same member and the latest Update of
    /// a member; no Remove or Update of the committer; one Remove per member; one Add per
    /// client; one proposal per PreSharedKeyID; our own GroupContextExtensions over a received
    /// one, else the latest received; a ReInit only when nothing else is committed. If the
    /// result still fails (for example an Add whose KeyPackage does not meet a new
    /// `required_capabilities`), proposals are added one at a time and each one that makes the
    /// list fail is left out. Everything left out is reported in `dropped`.
    func selectPendingProposals(adding own: [ResolvedProposal], committer: UInt32, dropped: inout [DroppedProposal]) -> [CachedProposal] {
        let cache = proposalCache.proposals
        guard !cache.isEmpty else { return [] }
        var keep = [Bool](repeating: true, count: cache.count)
        func drop(_ i: Int, _ reason: MLSGroupError) {
            guard keep[i] else { return }
            keep[i] = false
            dropped.append(DroppedProposal(reference: cache[i].reference, proposal: cache[i].proposal, sender: cache[i].sender, reason: reason))
        }

        // What our own proposals already do.
        var removed = Set<UInt32>()
        var addedKeys = Set<[UInt8]>()
        var psks = Set<PreSharedKeyID>()
        var ownGCE = false
        for item in own {
            switch item.proposal {
            case .remove(let remove): removed.insert(remove.removed)
            case .add(let add): addedKeys.insert(add.keyPackage.leafNode.signatureKey)
            case .preSharedKey(let psk): psks.insert(psk.psk)
            case .groupContextExtensions: ownGCE = true
            default: break
            }
        }
        // Still valid on its own (the configuration, PSK store or clock may have changed since receipt).
        for (i, cached) in cache.enumerated() {
            do {
                try checkProposalOnItsOwn(cached.proposal, sender: cached.sender)
            } catch {
                drop(i, error)
            }
        }
        // Removes first: a Remove wins over an Update of the same member.
        for (i, cached) in cache.enumerated() where keep[i] {
            guard case .remove(let remove) = cached.proposal else { continue }
            if remove.removed == committer {
                drop(i, .removesCommitter)
            } else if !removed.insert(remove.removed).inserted {
                drop(i, .duplicateUpdateOrRemove)
            }
        }
        // Updates: the latest per member, none from the committer or of a removed member.
        var latestUpdate: [UInt32: Int] = [:]
        for (i, cached) in cache.enumerated() where keep[i] {
            if case .update = cached.proposal, case .member(let leaf) = cached.sender { latestUpdate[leaf] = i }
        }
        var otherThanReInit = own.contains { $0.proposal.proposalType != .reinit }
        var lastGCE: Int?
        for (i, cached) in cache.enumerated() where keep[i] {
            switch cached.proposal {
            case .update:
                guard case .member(let leaf) = cached.sender else { drop(i, .updateFromNonMember); continue }
                if leaf == committer {
                    drop(i, .updateByCommitter)
                } else if removed.contains(leaf) || latestUpdate[leaf] != i {
                    drop(i, .duplicateUpdateOrRemove)
                }
            case .add(let add):
                if !addedKeys.insert(add.keyPackage.leafNode.signatureKey).inserted { drop(i, .duplicateAdd) }
            case .preSharedKey(let psk):
                if !psks.insert(psk.psk).inserted { drop(i, .duplicatePSK) }
            case .groupContextExtensions:
                if ownGCE { drop(i, .multipleGroupContextExtensions) } else { lastGCE = i }
            case .remove, .reInit, .externalInit:
                break
            }
        }
        for (i, cached) in cache.enumerated() where keep[i] {
            if case .groupContextExtensions = cached.proposal, i != lastGCE { drop(i, .multipleGroupContextExtensions) }
        }
        // A ReInit only alone (§12.2: prefer the other proposals).
        for (i, cached) in cache.enumerated() where keep[i] && cached.proposal.proposalType != .reinit {
            otherThanReInit = true
        }
        var reInitKept = false
        for (i, cached) in cache.enumerated() where keep[i] {
            guard case .reInit = cached.proposal else { continue }
            if otherThanReInit || reInitKept || !own.isEmpty { drop(i, .reInitNotAlone) } else { reInitKept = true }
        }

        var selected = cache.indices.filter { keep[$0] }
        if listFails(selected.map { cache[$0] }, own: own, committer: committer) != nil {
            // Rare (conflicts the rules above do not foresee): build the list one proposal at a time.
            var accepted: [Int] = []
            for i in selected {
                if let reason = listFails((accepted + [i]).map { cache[$0] }, own: own, committer: committer) {
                    drop(i, reason)
                } else {
                    accepted.append(i)
                }
            }
            selected = accepted
        }
        return selected.map { cache[$0] }
    }

    /// The error the list `cached` + `own` would be refused with, if any.
    private func listFails(_ cached: [CachedProposal], own: [ResolvedProposal], committer: UInt32) -> MLSGroupError? {
        let list = cached.map { ResolvedProposal(proposal: $0.proposal, sender: $0.sender) } + own
        do {
            try validateProposalList(list, committer: .member(committer))
            _ = try applyProposals(list, committer: .member(committer))
            return nil
        } catch {
            return error
        }
    }
}
