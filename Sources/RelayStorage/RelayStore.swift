/// Everything the relay stores. A driver implements all the roles in one object, because some
/// operations span them (deleting an account, sending to many mailboxes) and must be atomic.
public typealias RelayStore = AccountStore & DeviceStore & KeyPackageStore & MailboxStore & DeliveryTokenStore & BlockStore
    & RateLimitStore & RequestNonceStore & BlobStore
