import WireFormat

/// The secret tree as part of a group's serialized state (``MLSGroup/serialized()``): the
/// node secrets not yet consumed, and each started ratchet with its retained skipped keys.
extension SecretTree {
    func encodeState(to writer: inout WireWriter) {
        writer.writeVector { w in
            for (node, secret) in nodeSecrets.sorted(by: { $0.key < $1.key }) {
                w.write(node)
                w.writeOpaque(secret.exportedBytes)
            }
        }
        writer.writeVector { w in
            for (id, ratchet) in ratchets.sorted(by: { $0.key < $1.key }) {
                w.write(id)
                w.writeOpaque(ratchet.secret.exportedBytes)
                w.write(ratchet.nextGeneration)
                w.write(UInt8(ratchet.isExhausted ? 1 : 0))
                w.writeVector { k in
                    for (generation, key) in ratchet.skipped.sorted(by: { $0.key < $1.key }) {
                        k.write(generation)
                        k.writeOpaque(key.key.exportedBytes)
                        k.writeOpaque(key.nonce.exportedBytes)
                    }
                }
            }
        }
    }

    /// Restores a tree written by ``encodeState(to:)`` for `leafCount` leaves, checking every
    /// index and length so that a corrupted state fails here, never later.
    init(
        restoringFrom reader: inout WireReader, crypto: CryptoSuite, leafCount: UInt32, configuration: Configuration
    ) throws(MLSGroupError) {
        do {
            try self.init(crypto: crypto, encryptionSecret: Secret(zeros: crypto.hashLength), leafCount: leafCount, configuration: configuration)
        } catch {
            throw .malformedState
        }
        let tree = self.tree
        let hashLength = crypto.hashLength
        do {
            let nodes = try reader.readVector { (r: inout WireReader) throws(WireFormatError) -> (UInt32, Secret) in
                let node = try r.readUInt32()
                let secret = try r.readOpaque()
                guard tree.contains(NodeIndex(node)), secret.count == hashLength else { throw .invalidValue("secret tree node") }
                return (node, Secret(bytes: secret))
            }
            nodeSecrets = [:]
            for (node, secret) in nodes {
                guard nodeSecrets.updateValue(secret, forKey: node) == nil else { throw WireFormatError.invalidValue("duplicate node") }
            }
            let keyLength = crypto.aead.keyByteCount, nonceLength = crypto.aead.nonceByteCount
            let restored = try reader.readVector { (r: inout WireReader) throws(WireFormatError) -> (UInt64, HashRatchet) in
                let id = try r.readUInt64()
                guard id >> 1 < UInt64(tree.leafCount) else { throw .invalidValue("ratchet leaf") }
                let secret = try r.readOpaque()
                guard secret.count == hashLength else { throw .invalidValue("ratchet secret") }
                var ratchet = HashRatchet(secret: Secret(bytes: secret), type: id & 1 == 0 ? .handshake : .application)
                ratchet.nextGeneration = try r.readUInt32()
                let exhausted = try r.readUInt8()
                guard exhausted <= 1 else { throw .invalidValue("exhausted flag") }
                ratchet.isExhausted = exhausted == 1
                let keys = try r.readVector { (k: inout WireReader) throws(WireFormatError) -> MessageKey in
                    let generation = try k.readUInt32()
                    let key = try k.readOpaque(), nonce = try k.readOpaque()
                    guard key.count == keyLength, nonce.count == nonceLength else { throw .invalidValue("message key") }
                    return MessageKey(generation: generation, key: Secret(bytes: key), nonce: Secret(bytes: nonce))
                }
                var previous: UInt32?
                for key in keys {
                    // Strictly increasing and all behind the ratchet (skipped generations).
                    guard previous.map({ $0 < key.generation }) ?? true, key.generation < ratchet.nextGeneration || ratchet.isExhausted else {
                        throw .invalidValue("skipped generation")
                    }
                    previous = key.generation
                    ratchet.skipped[key.generation] = key
                    ratchet.skippedOrder.append(key.generation)
                }
                return (id, ratchet)
            }
            ratchets = [:]
            retainedKeyCount = 0
            for (id, ratchet) in restored {
                guard ratchets.updateValue(ratchet, forKey: id) == nil else { throw WireFormatError.invalidValue("duplicate ratchet") }
                retainedKeyCount += ratchet.skipped.count
            }
        } catch {
            throw .malformedState
        }
    }
}
