/// The relay's username rule: 3 to 32 characters of `a-z`, `0-9` and `_`, so a name has one
/// spelling and exact lookup needs no normalisation.
public enum Username {
    public static func isValid(_ name: String) -> Bool {
        (3...32).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7a).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "_") }
    }
}
