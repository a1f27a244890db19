import Foundation
import MLS
import RelayAPI
import Testing
import WireFormat

/// The relay's reader of the MLS framing header (RFC 9420 §6, §2.1.2 variable-length vectors).
@Suite struct MLSFramingHeaderTests {
    static func varint(_ n: Int) -> [UInt8] {
        switch n {
        case 0..<64: [UInt8(n)]
        case 64..<16384: [UInt8(0x40 | (n >> 8)), UInt8(n & 0xff)]
        default: [UInt8(0x80 | (n >> 24)), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
        }
    }
    static let epoch: [UInt8] = [0, 0, 0, 0, 0, 0, 1, 2]  // 258

    @Test func privateMessage() throws {
        let bytes: [UInt8] = [0, 1, 0, 2] + Self.varint(3) + Array("grp".utf8) + Self.epoch + [3] + [0] + [0] + [0]
        let header = try MLSFramingHeader(parsing: bytes)
        #expect(header.wireFormat == 2)
        #expect(header.group?.groupID == Array("grp".utf8))
        #expect(header.group?.epoch == 258)
        #expect(header.group?.contentType == .commit)
        #expect(header.isCommit)
    }

    static let senders: [(UInt8, [UInt8])] = [(1, [0, 0, 0, 0]), (2, [0, 0, 0, 9]), (3, []), (4, [])]

    @Test(arguments: senders)
    func publicMessageSenders(senderType: UInt8, index: [UInt8]) throws {
        let groupID = [UInt8](repeating: 7, count: 100)  // two-byte length
        let authenticatedData = [UInt8](repeating: 1, count: 20_000)  // four-byte length
        let bytes: [UInt8] =
            [0, 1, 0, 1] + Self.varint(groupID.count) + groupID + Self.epoch + [senderType] + index + Self.varint(authenticatedData.count)
            + authenticatedData + [1] + Array("rest".utf8)
        let header = try MLSFramingHeader(parsing: bytes)
        #expect(header.group?.groupID == groupID)
        #expect(header.group?.contentType == .application)
        #expect(!header.isCommit)
    }

    @Test func otherWireFormatsHaveNoGroupFields() throws {
        for wireFormat: UInt8 in [3, 4, 5, 0xff] {
            let header = try MLSFramingHeader(parsing: [0, 1, 0, wireFormat, 0xde, 0xad])
            #expect(header.group == nil && header.wireFormat == UInt16(wireFormat))
        }
    }

    static let malformed: [([UInt8], MLSFramingHeaderError)] = [
        ([], .truncated),
        ([0, 1, 0], .truncated),
        ([0, 2, 0, 2], .unsupportedVersion),
        ([0, 0, 0, 2], .unsupportedVersion),
        ([0, 1, 0, 2, 0xc0], .malformed),  // prefix 11 is invalid
        ([0, 1, 0, 2, 0x40, 0x03, 1, 2, 3], .malformed),  // 3 in two bytes: not minimal
        ([0, 1, 0, 2, 0x00] + [UInt8](repeating: 0, count: 8) + [3], .malformed),  // empty group id
        ([0, 1, 0, 2, 0x05, 1, 2], .truncated),  // group id longer than the message
        ([0, 1, 0, 2, 0x01, 9] + [UInt8](repeating: 0, count: 8) + [4], .malformed),  // content type 4
        ([0, 1, 0, 2, 0x01, 9] + [UInt8](repeating: 0, count: 8) + [0], .malformed),  // reserved content type
        ([0, 1, 0, 1, 0x01, 9] + [UInt8](repeating: 0, count: 8) + [5], .malformed),  // sender type 5
        ([0, 1, 0, 1, 0x01, 9] + [UInt8](repeating: 0, count: 8) + [1, 0, 0], .truncated),  // leaf index cut
        ([0, 1, 0, 2, 0x01, 9, 0, 0, 0], .truncated),  // epoch cut
    ]

    @Test(arguments: malformed)
    func malformedInputIsATypedError(bytes: [UInt8], expected: MLSFramingHeaderError) {
        #expect(throws: expected) { try MLSFramingHeader(parsing: bytes) }
    }

    @Test func overlongGroupIDsAreRefused() {
        let groupID = [UInt8](repeating: 1, count: 256)
        let bytes: [UInt8] = [0, 1, 0, 2] + Self.varint(256) + groupID + Self.epoch + [1]
        #expect(throws: MLSFramingHeaderError.malformed) { try MLSFramingHeader(parsing: bytes) }
    }

    // MARK: messages encoded by the MLS module's codec

    static let codecContents: [FramedContent.Body] = [
        .application(Array("hello".utf8)),
        .proposal(.remove(Remove(removed: 3))),
        .commit(Commit(proposals: [.reference([UInt8](repeating: 5, count: 32))], path: nil)),
    ]

    @Test(arguments: codecContents)
    func publicMessageEncodedByTheCodec(body: FramedContent.Body) throws {
        let groupID = [UInt8](repeating: 0xa1, count: 32)
        for sender: Sender in [.member(leafIndex: 7), .external(senderIndex: 1), .newMemberCommit] {
            let content = FramedContent(groupID: groupID, epoch: 1 << 40, sender: sender, authenticatedData: [9, 9], body: body)
            let message = MLSMessage(
                .publicMessage(
                    PublicMessage(
                        content: content,
                        auth: FramedContentAuthData(signature: [UInt8](repeating: 2, count: 64), confirmationTag: body.contentType == .commit ? [3] : nil),
                        membershipTag: { if case .member = sender { [4] } else { nil } }()
                    )
                )
            )
            let header = try MLSFramingHeader(parsing: message.wireBytes)
            #expect(header.wireFormat == MLSWireFormat.publicMessage.rawValue)
            #expect(header.group?.groupID == groupID)
            #expect(header.group?.epoch == 1 << 40)
            #expect(header.group?.contentType.rawValue == body.contentType.rawValue)
            #expect(header.isCommit == (body.contentType == .commit))
        }
    }

    @Test(arguments: [MLS.ContentType.application, .proposal, .commit])
    func privateMessageEncodedByTheCodec(contentType: MLS.ContentType) throws {
        let message = MLSMessage(
            .privateMessage(
                PrivateMessage(
                    groupID: Array("group".utf8), epoch: .max, contentType: contentType, authenticatedData: [],
                    encryptedSenderData: [UInt8](repeating: 1, count: 40), ciphertext: [UInt8](repeating: 2, count: 300)
                )
            )
        )
        let bytes = message.wireBytes
        let header = try MLSFramingHeader(parsing: bytes)
        #expect(header.wireFormat == MLSWireFormat.privateMessage.rawValue)
        #expect(header.group?.groupID == Array("group".utf8))
        #expect(header.group?.epoch == .max)
        #expect(header.group?.contentType.rawValue == contentType.rawValue)
        // Every prefix that stops inside the header is truncated, never anything else.
        let headerLength = 4 + 1 + 5 + 8 + 1
        for length in 0..<headerLength {
            #expect(throws: MLSFramingHeaderError.truncated) { try MLSFramingHeader(parsing: bytes.prefix(length)) }
        }
    }

    // MARK: the fuzz target's seeds

    static let seeds = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/FuzzMLSFramingHeader/corpus")

    /// The seeds of `FuzzMLSFramingHeader` read as before the switch to the MLS codec, and every
    /// prefix and every one-byte change of them gives a header or one of the three errors: a
    /// small deterministic run of what the fuzz target checks.
    @Test func fuzzSeedsAndTheirNeighboursParseOrFailTyped() throws {
        func read(_ name: String) throws -> [UInt8] { Array(try Data(contentsOf: Self.seeds.appendingPathComponent(name))) }
        let commit = try MLSFramingHeader(parsing: try read("private-commit"))
        #expect(commit.isCommit && commit.group?.groupID == Array("grp".utf8) && commit.group?.epoch == 258)
        let application = try MLSFramingHeader(parsing: try read("public-application"))
        #expect(application.wireFormat == 1 && application.group?.contentType == .application)
        let nonMinimal = try read("two-byte-length")  // 5 written in two bytes: refused (RFC 9420 §2.1.2)
        #expect(throws: MLSFramingHeaderError.malformed) { try MLSFramingHeader(parsing: nonMinimal) }
        #expect(try MLSFramingHeader(parsing: try read("welcome")).group == nil)
        var outcomes = 0
        for name in try FileManager.default.contentsOfDirectory(atPath: Self.seeds.path) {
            let seed = try read(name)
            var inputs = (0...seed.count).map { Array(seed.prefix($0)) }
            for index in seed.indices {
                for value: UInt8 in [0x00, 0x01, 0x03, 0x3f, 0x40, 0x7f, 0x80, 0xbf, 0xc0, 0xff, seed[index] ^ 0x01] {
                    var mutated = seed
                    mutated[index] = value
                    inputs.append(mutated)
                }
            }
            for input in inputs {
                do {
                    let header = try MLSFramingHeader(parsing: input)
                    if let group = header.group {
                        #expect(!group.groupID.isEmpty && group.groupID.count <= MLSFramingHeader.maximumGroupIDLength)
                        #expect(header.wireFormat == MLSFramingHeader.publicMessage || header.wireFormat == MLSFramingHeader.privateMessage)
                    }
                } catch {
                    #expect([.truncated, .malformed, .unsupportedVersion].contains(error))
                }
                outcomes += 1
            }
        }
        #expect(outcomes > 400)
    }
}
