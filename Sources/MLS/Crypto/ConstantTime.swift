/// Comparison whose running time depends only on the lengths, never on where the inputs differ.
///
/// For MACs, tags, confirmation values and secrets (RFC 9420 §6.2, §8.1). swift-crypto's own
/// `safeCompare` is internal, hence this.
public enum ConstantTime {
    /// Whether `a` and `b` are equal; lengths are not secret.
    @inline(never)
    public static func equals(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<a.count {
            difference |= a[index] ^ b[index]
        }
        return difference == 0
    }

    /// Whether the byte arrays `a` and `b` are equal; lengths are not secret.
    public static func equals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBytes { ra in b.withUnsafeBytes { rb in equals(ra, rb) } }
    }
}
