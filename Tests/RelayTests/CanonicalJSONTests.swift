import Foundation
import HTTPTypes
import HummingbirdTesting
import RelayAPI
import RelayJSON
import Testing

@testable import Relay

/// The hand-written decoders of the relay's hot-path JSON (``SealedSendRequest/init(canonicalJSON:maximumRecipients:)``,
/// ``AckFrame``) must accept only what `JSONDecoder` accepts, with the same value; everything
/// else they leave to `JSONDecoder` (nil), so the relay's accepted language is unchanged.
@Suite struct CanonicalJSONTests {
    static func sealed(_ text: String, maximumRecipients: Int = 1_000) -> SealedSendRequest? {
        Data(text.utf8).withUnsafeBytes { SealedSendRequest(canonicalJSON: $0, maximumRecipients: maximumRecipients) }
    }

    static func ack(_ text: String, maximumIDs: Int = 1_000) -> [Int64]? {
        Data(text.utf8).withUnsafeBytes { AckFrame(canonicalJSON: $0, maximumIDs: maximumIDs)?.ids }
    }

    static func general(_ text: String) -> SealedSendRequest? {
        try? JSONDecoder().decode(SealedSendRequest.self, from: Data(text.utf8))
    }

    static func same(_ a: SealedSendRequest?, _ b: SealedSendRequest?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.payload == b.payload && a.recipients.map(\.deviceID) == b.recipients.map(\.deviceID)
            && a.recipients.map(\.token) == b.recipients.map(\.token)
    }

    /// What JSONEncoder writes (both key orders, slashes escaped or not), every padding length.
    @Test(arguments: [0, 1, 2, 3, 4, 5, 63, 64, 65, 256])
    func encoderOutputDecodesByHand(payloadSize: Int) throws {
        var generator = SystemRandomNumberGenerator()
        let payload = Data((0..<payloadSize).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let request = SealedSendRequest(
            recipients: [
                .init(deviceID: "0123456789abcdef0123456789abcdef", token: Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })),
                .init(deviceID: "fedcba9876543210fedcba9876543210", token: Data([0xff, 0xfe, 0xfd])),
            ],
            payload: payload
        )
        for formatting: JSONEncoder.OutputFormatting in [[], [.sortedKeys], [.withoutEscapingSlashes], [.prettyPrinted, .sortedKeys]] {
            let encoder = JSONEncoder()
            encoder.outputFormatting = formatting
            let text = String(decoding: try encoder.encode(request), as: UTF8.self)
            let fast = try #require(Self.sealed(text), "\(formatting)")
            #expect(Self.same(fast, Self.general(text)))
            #expect(fast.payload == payload)
        }
    }

    /// Valid for JSONDecoder, but not the canonical spelling: left to JSONDecoder (nil here).
    @Test(arguments: [
        #"{"recipients":[{"deviceID":"a","token":"AQ=="}],"\u0070ayload":"AQID"}"#,  // escaped key
        #"{"recipients":[{"deviceID":"a","token":"AQ=="}],"payload":"AQID","extra":1}"#,  // unknown key
        #"{"recipients":[{"deviceID":"a","token":"AQ=="}],"payload":"AQID","payload":"AQ=="}"#,  // duplicate (first wins there)
        #"{"recipients":[{"deviceID":"a","token":"AQ==","deviceID":"b"}],"payload":"AQID"}"#,
        "\u{FEFF}" + #"{"recipients":[{"deviceID":"a","token":"AQ=="}],"payload":"AQID"}"#,  // byte order mark
        #"{"recipients":[{"deviceID":"a","token":"AQ=="}],"payload":"AQID",}"#,  // trailing comma
        #"{"recipients":[{"deviceID":"a","token":"AR=="}],"payload":"AQID"}"#,  // non-zero spare bits
        #"{"recipients":[{"deviceID":"a","token":"AQ==="}],"payload":"AQID"}"#,  // extra padding
        #"{"recipients":[{"deviceID":"\u0061","token":"AQ=="}],"payload":"AQID"}"#,  // escaped string
        #"{"recipients":[{"deviceID":"é","token":"AQ=="}],"payload":"AQID"}"#,  // non-ASCII
    ])
    func otherSpellingsGoToJSONDecoder(text: String) {
        #expect(Self.sealed(text) == nil)
        #expect(Self.general(text) != nil, "JSONDecoder accepts it, so the relay still does")
    }

    /// Invalid for JSONDecoder: nil here too (and JSONDecoder then refuses it).
    @Test(arguments: [
        "", "{", "[]", "{}", "null", #"{"recipients":[],"payload":"AQID"}x"#,
        #"{"recipients":[{"deviceID":"a","token":"AQ"}],"payload":"AQID"}"#,  // unpadded
        #"{"recipients":[{"deviceID":"a","token":"A Q=="}],"payload":"AQID"}"#,
        #"{"recipients":[{"deviceID":"a","token":"_-=="}],"payload":"AQID"}"#,  // base64url alphabet
        #"{"recipients":[{"deviceID":null,"token":"AQ=="}],"payload":"AQID"}"#,
        #"{"recipients":[{"deviceID":"a"}],"payload":"AQID"}"#,
        #"{"recipients":[{"deviceID":"a","token":"AQ=="}]}"#,
        #"{"recipients":{"deviceID":"a","token":"AQ=="},"payload":"AQID"}"#,
        #"{"recipients":[{"deviceID":"a","token":"AQ=="}],"payload":"AQ\"}"#,
        #"{"recipients":[{"deviceID":"a","token":"AQ=="}],"payload":"AQID""#,
        #"{"recipients":[{"deviceID":1,"token":"AQ=="}],"payload":"AQID"}"#,
    ])
    func invalidIsRefusedByBoth(text: String) {
        #expect(Self.sealed(text) == nil)
        #expect(Self.general(text) == nil)
    }

    @Test func emptyListsAndWhitespace() throws {
        let text = " {\n\t\"payload\" : \"\" ,\r\n \"recipients\" : [ ] } \n"
        let fast = try #require(Self.sealed(text))
        #expect(fast.recipients.isEmpty && fast.payload.isEmpty)
        #expect(Self.same(fast, Self.general(text)))
    }

    @Test func recipientLimitLeavesTheListToTheRoute() {
        let one = #"{"deviceID":"a","token":"AQ=="}"#
        let text = #"{"recipients":["# + Array(repeating: one, count: 3).joined(separator: ",") + #"],"payload":"AQID"}"#
        #expect(Self.sealed(text, maximumRecipients: 3)?.recipients.count == 3)
        #expect(Self.sealed(text, maximumRecipients: 2) == nil)
    }

    /// Differential check on many mutations of a canonical body: whenever the hand-written
    /// decoder returns a value, JSONDecoder returns the same one (FuzzCanonicalJSON runs the same
    /// check under libFuzzer).
    @Test func mutationsNeverDisagreeWithJSONDecoder() throws {
        let seed = String(
            decoding: try JSONEncoder().encode(
                SealedSendRequest(recipients: [.init(deviceID: "0123456789abcdef", token: Data([1, 2, 3, 0xfb, 0xff]))], payload: Data([0xfc, 0, 9, 1]))
            ), as: UTF8.self)
        var random = SplitMix(state: 0x5EED)
        let alphabet = Array(#"{}[]":,\/ =Aa0+-.eE"#.utf8) + [0x09, 0x0A, 0x00, 0xC3, 0x80]
        var decodedByHand = 0
        for _ in 0..<20_000 {
            var bytes = Array(seed.utf8)
            for _ in 0..<(1 + Int(random.next() % 3)) {
                let index = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 3 {
                case 0: bytes[index] = alphabet[Int(random.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: index)
                default: bytes.insert(alphabet[Int(random.next() % UInt64(alphabet.count))], at: index)
                }
            }
            let fast = bytes.withUnsafeBytes { SealedSendRequest(canonicalJSON: $0, maximumRecipients: 1_000) }
            guard let fast else { continue }
            decodedByHand += 1
            let general = try? JSONDecoder().decode(SealedSendRequest.self, from: Data(bytes))
            #expect(Self.same(fast, general), "\(String(decoding: bytes, as: UTF8.self))")
        }
        #expect(decodedByHand > 100, "the mutations must also exercise accepted inputs")
    }

    @Test func ackFrames() {
        #expect(Self.ack(#"{"type":"ack","ids":[1,2,3]}"#) == [1, 2, 3])
        #expect(Self.ack(#"{ "ids" : [ 9223372036854775807 , -9223372036854775808, 0, -0 ] , "type" : "ack" }"#) == [.max, .min, 0, 0])
        #expect(Self.ack(#"{"type":"ack","ids":[]}"#) == [])
        #expect(Self.ack(#"{"type":"ack","ids":[1,2]}"#, maximumIDs: 1) == nil)
        for other in [
            #"{"type":"ack","ids":[1e2]}"#, #"{"type":"ack","ids":[1.0]}"#, #"{"type":"ack","ids":[01]}"#, #"{"type":"ack","ids":[9223372036854775808]}"#,
            #"{"type":"ack","ids":[-9223372036854775809]}"#, #"{"type":"ack"}"#, #"{"type":"auth","ids":[1]}"#, #"{"type":"ack","ids":null}"#,
            #"{"type":"ack","ids":[1],"type":"ack"}"#, #"{"type":"\u0061ck","ids":[1]}"#, #"{"type":"ack","ids":[1],"code":"x"}"#,
            #"{"type":"ack","ids":[1]} x"#, #"{"type":"ack","ids":[1,]}"#, #"{"type":"ack","ids":[-]}"#, "",
        ] {
            #expect(Self.ack(other) == nil, "\(other)")
        }
    }

    /// The push session's reading of a frame: the hand-written path and the JSONDecoder path
    /// together give what JSONDecoder alone gave.
    @Test func sessionReadsAcksInEverySpelling() {
        #expect(Relay.acknowledgedIDs(#"{"type":"ack","ids":[4,5]}"#) == [4, 5])
        #expect(Relay.acknowledgedIDs(#"{"type":"ack","ids":[1e2, 7.0]}"#) == [100, 7])
        #expect(Relay.acknowledgedIDs(#"{"type":"ack","ids":[1],"type":"x"}"#) == [1], "JSONDecoder keeps the first duplicate")
        #expect(Relay.acknowledgedIDs(#"{"type":"auth","ids":[1]}"#) == nil)
        #expect(Relay.acknowledgedIDs(#"{"type":"ack"}"#) == nil)
        #expect(Relay.acknowledgedIDs(#"{"type":"ack","ids":[1.5]}"#) == nil)
        #expect(Relay.acknowledgedIDs(#"{"type":"ack","ids":["1"]}"#) == nil)
        let many = "[" + (0..<1_001).map(String.init).joined(separator: ",") + "]"
        #expect(Relay.acknowledgedIDs(#"{"type":"ack","ids":"# + many + "}") == nil, "more than 1,000 ids: ignored, as before")
    }

    /// A sealed send in a spelling only JSONDecoder reads is still delivered.
    @Test func routeAcceptsOtherSpellings() async throws {
        try await RelayHarness().withClient { client in
            let bob = try await client.register()
            let token = try await client.rotateToken(bob)
            let message = MLSMessageBuilder.privateMessage(group: "g", epoch: 1, contentType: 1)
            let body = #"{"extra":[true,null],"p\u0061yload":"\#(message.base64EncodedString())","recipients":[{"token":"\#(token.base64EncodedString())","deviceID":"\#(bob.deviceID)"}]}"#
            let sent = try await client.send(.post, "/v1/messages/sealed", body: Data(body.utf8), as: nil)
            #expect(sent.status == .created)
            #expect(try await client.mailbox(bob).map(\.payload) == [message])
        }
    }
}

/// A small deterministic generator for the mutation test.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
