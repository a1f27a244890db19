/// Helpers for leaf-index lists kept in increasing order (`unmerged_leaves`, RFC 9420 §7.1):
/// binary search keeps the checks on large unmerged lists O(log k) instead of O(k).

/// The index range of the elements of `sorted` that lie in `range`.
func sortedRange(of sorted: [UInt32], within range: Range<Int>) -> Range<Int> {
    lowerBound(sorted, UInt32(clamping: range.lowerBound))..<lowerBound(sorted, UInt32(clamping: range.upperBound))
}

/// Whether `sorted` contains `value`.
func sortedContains(_ sorted: [UInt32], _ value: UInt32) -> Bool {
    let i = lowerBound(sorted, value)
    return i < sorted.count && sorted[i] == value
}

/// The first index whose element is not less than `value`.
func lowerBound(_ sorted: [UInt32], _ value: UInt32) -> Int {
    var low = 0
    var high = sorted.count
    while low < high {
        let mid = (low + high) / 2
        if sorted[mid] < value { low = mid + 1 } else { high = mid }
    }
    return low
}
