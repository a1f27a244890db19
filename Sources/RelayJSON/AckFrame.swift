/// A push `ack` frame (``RelayAPI/PushFrame`` with `type` `ack`) in its canonical spelling
/// (``CanonicalJSONReader``): one object with exactly the keys `type` (the plain string `ack`)
/// and `ids` (an array of canonical integers), either order, each once.
///
/// Acks arrive once per pushed entry, so this is the WebSocket's hot path. Any other frame, or
/// any other spelling of one, gives nil and the caller decodes it with `JSONDecoder` as
/// before: the accepted language is exactly `JSONDecoder`'s.
public struct AckFrame: Sendable, Equatable {
    public var ids: [Int64]

    /// - Parameter maximumIDs: more ids give nil (the caller's general path then applies its
    ///   own limit), so a frame costs at most this many elements here.
    public init?(canonicalJSON bytes: UnsafeRawBufferPointer, maximumIDs: Int) {
        var reader = CanonicalJSONReader(bytes)
        guard reader.consume(UInt8(ascii: "{")) else { return nil }
        var isAck = false
        var ids: [Int64]?
        repeat {
            switch reader.key(["type", "ids"]) {
            case 0:
                guard !isAck, let range = reader.plainString(), range.count == 3 else { return nil }
                isAck = true
                let start = range.lowerBound
                guard bytes[start] == UInt8(ascii: "a"), bytes[start + 1] == UInt8(ascii: "c"), bytes[start + 2] == UInt8(ascii: "k") else {
                    return nil
                }
            case 1:
                guard ids == nil, let list = Self.ids(&reader, maximum: maximumIDs) else { return nil }
                ids = list
            default:
                return nil
            }
        } while reader.consume(UInt8(ascii: ","))
        guard reader.consume(UInt8(ascii: "}")), reader.isAtEnd(), isAck, let ids else { return nil }
        self.ids = ids
    }

    public init(ids: [Int64]) {
        self.ids = ids
    }

    private static func ids(_ reader: inout CanonicalJSONReader, maximum: Int) -> [Int64]? {
        guard reader.consume(UInt8(ascii: "[")) else { return nil }
        var list: [Int64] = []
        if reader.consume(UInt8(ascii: "]")) { return list }
        repeat {
            guard list.count < maximum, let id = reader.int64() else { return nil }
            list.append(id)
        } while reader.consume(UInt8(ascii: ","))
        return reader.consume(UInt8(ascii: "]")) ? list : nil
    }
}
