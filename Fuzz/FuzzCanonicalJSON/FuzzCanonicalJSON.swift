import Foundation
import RelayAPI
import RelayJSON

/// libFuzzer entry point, differential: the hand-written decoders of the sealed-send body and
/// of push ack frames must never crash, and whenever they return a value, `JSONDecoder` must
/// decode the same input to the same value (they may only leave inputs to it, never accept
/// something else or read it differently).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    let json = Data(bytes)
    if let fast = SealedSendRequest(canonicalJSON: bytes, maximumRecipients: 64) {
        guard let general = try? JSONDecoder().decode(SealedSendRequest.self, from: json) else {
            fatalError("sealed body decoded by hand but refused by JSONDecoder")
        }
        precondition(fast.payload == general.payload, "payload differs")
        precondition(fast.recipients.map(\.deviceID) == general.recipients.map(\.deviceID), "device ids differ")
        precondition(fast.recipients.map(\.token) == general.recipients.map(\.token), "tokens differ")
        precondition(fast.recipients.count <= 64)
    }
    if let fast = AckFrame(canonicalJSON: bytes, maximumIDs: 64) {
        guard let general = try? JSONDecoder().decode(PushFrame.self, from: json) else {
            fatalError("ack frame decoded by hand but refused by JSONDecoder")
        }
        precondition(general.type == "ack" && general.ids == fast.ids, "ack differs")
        precondition(fast.ids.count <= 64)
    }
    return 0
}
