import Foundation
import RelayAPI
import RelayStorage

extension Relay {
    /// The JSON text of the `entry` push frame for `entry`: the same document as
    /// `JSONEncoder().encode(PushFrame(type: "entry", entry: Relay.body(of: entry)))` (key order
    /// aside), written directly. Every pushed entry goes through here, and the generic encoder
    /// (keyed containers, boxing, the Data strategy) cost several times the rest of building a frame.
    ///
    /// Every value written is either a number, one of two fixed strings, base64 (`A-Z a-z 0-9 + / =`)
    /// or an account id (validated lower-case hex, see `AccountID`): none needs escaping in JSON.
    static func entryFrameText(_ entry: MailboxEntry) -> String {
        let payload = entry.payload.base64EncodedString()
        var text = ""
        text.reserveCapacity(payload.utf8.count + 160)
        text += #"{"type":"entry","entry":{"id":"#
        text += String(entry.id.rawValue)
        text += entry.queue == .inbox ? #","queue":"inbox""# : #","queue":"requests""#
        text += #","payload":""#
        text += payload
        text += "\""
        if let sender = entry.sender {
            text += #","sender":""#
            text += sender.rawValue
            text += "\""
        }
        text += #","receivedAt":"#
        text += String(Int64(entry.receivedAt.timeIntervalSince1970))
        text += "}}"
        return text
    }
}
