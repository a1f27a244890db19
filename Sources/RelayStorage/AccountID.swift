/// Accounts carry no phone number or e-mail address: the id is the account's only handle,
/// and it says nothing about its owner.
public enum AccountKind: RelayIdentifierKind {
    public static let noun = "account"
}

/// A random account identifier: 16 random bytes, lowercase hex (32 characters).
public typealias AccountID = RelayIdentifier<AccountKind>
