public import Foundation
public import RelayAPI

extension SealedSendRequest {
    /// Decodes the canonical spelling (``CanonicalJSONReader``) of a sealed-send body:
    /// one object with exactly the keys `recipients` and `payload` (either order, each once),
    /// `recipients` an array of objects with exactly `deviceID` (a plain string) and `token`
    /// (base64), `payload` base64.
    ///
    /// Nil means "not this spelling", not "invalid": the caller then decodes with `JSONDecoder`,
    /// so the accepted language and its errors stay exactly `JSONDecoder`'s. More than
    /// `maximumRecipients` recipients also gives nil, so that an oversized list costs no more
    /// here than the body limit allows and is refused by the caller's own check.
    public init?(canonicalJSON bytes: UnsafeRawBufferPointer, maximumRecipients: Int) {
        var reader = CanonicalJSONReader(bytes)
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        var recipients: [Recipient]?
        var payload: Data?
        repeat {
            switch reader.key(["recipients", "payload"]) {
            case 0:
                guard recipients == nil, let list = Self.recipients(&reader, maximum: maximumRecipients) else { return nil }
                recipients = list
            case 1:
                guard payload == nil, let data = reader.base64() else { return nil }
                payload = data
            default:
                return nil
            }
        } while reader.consume(UInt8(ascii: ","))
        guard reader.consume(UInt8(ascii: "}")), reader.isAtEnd(), let recipients, let payload else { return nil }
        self.init(recipients: recipients, payload: payload)
    }

    private static func recipients(_ reader: inout CanonicalJSONReader, maximum: Int) -> [Recipient]? {
        guard reader.consume(UInt8(ascii: "[")) else { return nil }
        var list: [Recipient] = []
        if reader.consume(UInt8(ascii: "]")) { return list }
        repeat {
            guard list.count < maximum, let recipient = self.recipient(&reader) else { return nil }
            list.append(recipient)
        } while reader.consume(UInt8(ascii: ","))
        return reader.consume(UInt8(ascii: "]")) ? list : nil
    }

    private static func recipient(_ reader: inout CanonicalJSONReader) -> Recipient? {
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        var deviceID: String?
        var token: Data?
        repeat {
            switch reader.key(["deviceID", "token"]) {
            case 0:
                guard deviceID == nil, let text = reader.string() else { return nil }
                deviceID = text
            case 1:
                guard token == nil, let data = reader.base64() else { return nil }
                token = data
            default:
                return nil
            }
        } while reader.consume(UInt8(ascii: ","))
        guard reader.consume(UInt8(ascii: "}")), let deviceID, let token else { return nil }
        return Recipient(deviceID: deviceID, token: token)
    }
}
