/// The relay's ids (accounts, devices): 32 lowercase hex characters. Anything else never
/// reaches a URL path or a stored row.
public enum RelayID {
    public static func isValid(_ id: String) -> Bool {
        id.utf8.count == 32 && id.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}
