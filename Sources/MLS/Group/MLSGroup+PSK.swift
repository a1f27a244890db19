extension MLSGroup {
    /// The PSK inputs for `ids`, in order (§8.4): external PSKs from the store, resumption PSKs
    /// of this group's recent epochs, or of other groups from the store.
    /// - Throws: ``MLSGroupError/missingPSK`` when one is not available.
    func resolvePSKs(_ ids: [PreSharedKeyID]) throws(MLSGroupError) -> [KeySchedule.PSKInput] {
        var inputs: [KeySchedule.PSKInput] = []
        inputs.reserveCapacity(ids.count)
        for id in ids {
            if let link = resumptionLink, link.id == id {
                inputs.append(KeySchedule.PSKInput(id: id, psk: link.psk))
                continue
            }
            guard let psk = Self.lookUpPSK(id, groupID: groupID, ownResumptionPSKs: resumptionPSKs, store: configuration.pskStore) else {
                throw .missingPSK
            }
            inputs.append(KeySchedule.PSKInput(id: id, psk: psk))
        }
        return inputs
    }

    static func lookUpPSK(
        _ id: PreSharedKeyID, groupID: [UInt8]?, ownResumptionPSKs: [UInt64: Secret], store: any PSKStore
    ) -> Secret? {
        switch id.kind {
        case .external(let pskID):
            return store.externalPSK(id: pskID)
        case .resumption(_, let pskGroupID, let pskEpoch):
            if pskGroupID == groupID, let own = ownResumptionPSKs[pskEpoch] { return own }
            return store.resumptionPSK(groupID: pskGroupID, epoch: pskEpoch)
        }
    }

    /// `psk_secret` for `inputs` (all-zero without PSKs).
    func pskSecret(_ inputs: [KeySchedule.PSKInput]) throws(MLSGroupError) -> Secret? {
        guard !inputs.isEmpty else { return nil }
        do {
            return try KeySchedule.pskSecret(crypto: crypto, psks: inputs)
        } catch {
            throw .crypto(error)
        }
    }
}
