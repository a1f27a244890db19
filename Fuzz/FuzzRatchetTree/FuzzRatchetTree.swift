import MLS
import WireFormat

private let crypto = try? CryptoSuite(.mls128DHKEMX25519AES128GCMSHA256Ed25519)

/// libFuzzer entry point: decodes arbitrary bytes as a `ratchet_tree` extension
/// (RFC 9420 §12.4.3.3), checks the encoding is canonical, then runs everything a joiner runs
/// on a received tree: tree hashes, every resolution and filtered direct path, parent-hash
/// verification and full validation (which must reject, with a typed error, every tree whose
/// leaves are not properly signed), then a Remove and an Add. A trap or a hang is a finding.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let wire: RatchetTreeIn
    do {
        wire = try RatchetTreeIn(wireBytes: bytes)
    } catch {
        _ = error.description
        return 0
    }
    if wire.wireBytes != bytes { fatalError("re-encoding differs from the accepted input") }
    guard let crypto else { fatalError("suite 1 unavailable") }
    var tree = RatchetTree(trusting: wire, crypto: crypto)
    let root = tree.treeHash()
    let width = 2 * tree.leafCount - 1
    for node in 0..<width { _ = try? tree.resolution(of: node) }
    for leaf in tree.occupiedLeaves { _ = try? tree.filteredDirectPath(of: leaf) }
    // Indices just outside the tree must throw, never trap.
    if (try? tree.resolution(of: width)) != nil || (try? tree.treeHash(of: width)) != nil
        || (try? tree.filteredDirectPath(of: UInt32(tree.leafCount))) != nil
    {
        fatalError("an out-of-range index was accepted")
    }
    _ = tree.verifyParentHashes()
    let validator = LeafNodeValidator(crypto: crypto, credentialValidator: AcceptAllCredentialsValidator(), lifetimePolicy: .ignore)
    do {
        _ = try RatchetTree(validating: wire, crypto: crypto, groupID: [], expectedTreeHash: root, groupContextExtensions: [], leafValidator: validator)
    } catch {
        _ = error.description
    }
    if let last = tree.occupiedLeaves.last, let leaf = tree.leaf(at: last) {
        try? tree.remove(leafAt: last)
        tree.add(leaf)
        _ = tree.treeHash()
        if tree.wireValue.nodes.last == nil { fatalError("serialized tree ends with a blank node") }
    }
    return 0
}
