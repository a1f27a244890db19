import Foundation
@testable import LetterlockKit
import RelayAPI
import Testing

/// Client review L5 (docs/client-review-fixes.md): what a relay says reaches the terminal, so it
/// carries no control or format characters, and the device ids it lists are relay ids.
@Suite struct RelayTextTests {
    @Test func aRelaysMessageIsPrintable() {
        let error = RelayClientError.relay(code: "busy", status: 503, message: "try\u{1b}]0;owned\u{07} again\u{1b}[2J \u{202E}later\r\n")
        #expect(error.message == "try]0;owned again[2J later")
        #expect(error.description.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7f && !(0x80..<0xa0).contains($0.value) })
        #expect(!error.description.unicodeScalars.contains("\u{202E}"))
        #expect(RelayClientError.relay(code: "busy", status: 503, message: String(repeating: "x", count: 10_000)).message?.count == 200)
        #expect(RelayClientError.relay(code: "busy", status: 503, message: "caf\u{E9} \u{1F600}").message == "caf\u{E9} \u{1F600}")
    }

    @Test func listedDeviceIDsMustBeRelayIDs() throws {
        let good = String(repeating: "a", count: 32)
        let list = DeviceListResponse(accountID: good, devices: [DeviceBody(deviceID: good, publicKey: Data(count: 32))])
        #expect(try RelayClient.checked(list) == list)
        for bad in ["\u{1b}[2J" + String(repeating: "a", count: 28), "../" + good, String(repeating: "A", count: 32), ""] {
            #expect(throws: RelayClientError.unexpectedResponse) {
                try RelayClient.checked(DeviceListResponse(accountID: good, devices: [DeviceBody(deviceID: bad, publicKey: Data(count: 32))]))
            }
            #expect(throws: RelayClientError.unexpectedResponse) { try RelayClient.checked(DeviceListResponse(accountID: bad, devices: [])) }
        }
    }
}
