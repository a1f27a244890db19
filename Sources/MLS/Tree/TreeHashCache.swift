/// The cached tree hash of every node of a ``RatchetTree`` (RFC 9420 §7.8), in one flat buffer
/// of `hashLength` bytes per node plus a validity flag.
///
/// Flat rather than one `[UInt8]?` per node: a Commit copies the epoch's tree before changing
/// it, and copying two plain arrays is a memory copy, where 20,000 optional arrays took one
/// reference-count operation each (profile of the steady-state Commit bench).
struct TreeHashCache: Sendable {
    /// The length of every hash: the suite's `KDF.Nh`.
    let hashLength: Int
    private var bytes: [UInt8]
    private var valid: [Bool]

    /// A cache for `count` nodes, all unknown.
    init(count: Int, hashLength: Int) {
        self.hashLength = hashLength
        bytes = Array(repeating: 0, count: count * hashLength)
        valid = Array(repeating: false, count: count)
    }

    /// The number of nodes.
    var count: Int { valid.count }

    /// Whether node `index` has a cached hash.
    func isValid(_ index: Int) -> Bool { valid[index] }

    /// The cached hash of node `index`; setting `nil` invalidates it. A stored hash must be
    /// `hashLength` bytes (every hash of the suite is).
    subscript(index: Int) -> [UInt8]? {
        get {
            guard valid[index] else { return nil }
            let start = index * hashLength
            return Array(bytes[start..<(start + hashLength)])
        }
        set {
            guard let newValue else {
                valid[index] = false
                return
            }
            precondition(newValue.count == hashLength, "tree hash of the wrong length")
            let start = index * hashLength
            bytes.replaceSubrange(start..<(start + hashLength), with: newValue)
            valid[index] = true
        }
    }

    /// Adds `count` nodes with unknown hashes at the end (the tree grew).
    mutating func appendUnknown(_ count: Int) {
        bytes.append(contentsOf: repeatElement(0, count: count * hashLength))
        valid.append(contentsOf: repeatElement(false, count: count))
    }

    /// Drops the last `count` nodes (the tree was truncated).
    mutating func removeLast(_ count: Int) {
        bytes.removeLast(count * hashLength)
        valid.removeLast(count)
    }
}
