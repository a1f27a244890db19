import WireFormat

/// Index arithmetic of the array representation of a full binary tree (RFC 9420 Appendix C)
/// as the ratchet tree uses it: `leafCount` is always a power of two.
enum TreeArray {
    /// The node count of the smallest full tree holding `count` nodes: `2^(d+1) - 1 >= count`.
    static func fullWidth(forNodeCount count: Int) -> Int {
        var width = 1
        while width < count { width = 2 * width + 1 }
        return width
    }

    /// The level of a node: 0 for leaves, the number of trailing one bits otherwise.
    @inline(__always)
    static func level(_ x: Int) -> Int {
        (~x).trailingZeroBitCount
    }

    /// The root of a full tree with `leafCount` leaves.
    @inline(__always)
    static func root(leafCount: Int) -> Int {
        leafCount - 1
    }

    @inline(__always)
    static func left(_ x: Int) -> Int {
        x ^ (1 << (level(x) - 1))
    }

    @inline(__always)
    static func right(_ x: Int) -> Int {
        x ^ (3 << (level(x) - 1))
    }

    /// The parent of a non-root node.
    @inline(__always)
    static func parent(of x: Int, leafCount: Int) -> Int {
        let k = level(x)
        let b = (x >> (k + 1)) & 1
        return (x | (1 << k)) ^ (b << (k + 1))
    }

    /// The other child of `x`'s parent.
    @inline(__always)
    static func sibling(of x: Int, leafCount: Int) -> Int {
        let p = parent(of: x, leafCount: leafCount)
        return x < p ? right(p) : left(p)
    }

    /// The direct path of `x`, leaf to root, excluding `x`.
    static func directPath(of x: Int, leafCount: Int) -> [Int] {
        let root = root(leafCount: leafCount)
        var path: [Int] = []
        var current = x
        while current != root {
            current = parent(of: current, leafCount: leafCount)
            path.append(current)
        }
        return path
    }

    /// The leaves (as leaf indices) under node `x`: a contiguous range.
    @inline(__always)
    static func leafRange(under x: Int) -> Range<Int> {
        let k = level(x)
        let first = (x >> (k + 1)) << k  // leftmost leaf index
        return first..<(first + (1 << k))
    }

    /// Whether node `x` lies in the subtree headed by `ancestor` (including `ancestor` itself).
    @inline(__always)
    static func isInSubtree(_ x: Int, of ancestor: Int) -> Bool {
        // The subtree of a level-k node spans node indices ancestor ± (2^k - 1).
        abs(x - ancestor) < 1 << level(ancestor)
    }
}
