import WireFormat

extension KeySchedule.PSKInput {
    /// A PSK named by a decoded `PreSharedKeyID` (encoded here for `PSKLabel`).
    public init(id: PreSharedKeyID, psk: Secret) {
        self.init(encodedID: id.wireBytes, psk: psk)
    }
}
