import Testing

@testable import PerceptualHash

/// Damaged lists: seeded mutations of every accepted shape must import or fail with a typed
/// error, never crash, and never yield malformed entries. (Complements Fuzz/FuzzHashBank.)
@Suite struct HashBankImportRobustnessTests {
    static let hash = "f162eb9daab170c0567fe3632d9a5548c5612982dd5e374a7424ebbc8a835c95"
    static let seeds: [String] = [
        "# list\n\(hash)\n\n\(hash)\r\n",
        "id,pdq_hash,quality\n1,\(hash),90\n\"2\",\"\(hash)\",\n",
        "indicator,indicator_type,id,tags\n\(hash),HASH_PDQ,305,\"a, b\"\nface,HASH_MD5,306,\n",
        "pdq \(hash)\nmd5 d41d8cd98f00b204e9800998ecf8427e\n",
        "\(hash),2880742865368386,2020-07-31T18:47:45+0000,media_type_photo\n",
        "{\"data\":[{\"id\":\"1\",\"indicator\":\"\(hash)\",\"type\":\"HASH_PDQ\",\"should_delete\":false},{\"id\":2,\"raw_indicator\":\"\(hash)\"}]}",
        "{\"id\":\"1\",\"indicator\":\"\(hash)\",\"quality\":70}\n{broken\n",
        "[{\"indicator\":{\"indicator\":\"\(hash)\",\"type\":\"HASH_PDQ\"}}]",
    ]
    static let interesting: [UInt8] = Array(",\"\n\r\t #{}[]:0aF\u{7F}".utf8) + [0, 0xFF, 0xEF, 0xBB, 0xBF]

    static func mutate(_ input: [UInt8], using generator: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...6, using: &generator) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0 where !bytes.isEmpty: bytes[position] = interesting.randomElement(using: &generator)!
            case 1: bytes.insert(interesting.randomElement(using: &generator)!, at: position)
            case 2 where !bytes.isEmpty: bytes.remove(at: position)
            case 3: bytes = Array(bytes.prefix(position))
            default: bytes[position...].reverse()
            }
        }
        return bytes
    }

    @Test(arguments: 0..<8)
    func mutatedListsNeverCrash(seed: Int) {
        var generator = SeededGenerator(seed: 0xF022 &+ UInt64(seed))
        let original = Array(Self.seeds[seed].utf8)
        var options = HashBank.ImportOptions()
        options.maximumFieldLength = 80
        for _ in 0..<5000 {
            let input = Self.mutate(original, using: &generator)
            for continueOnBadLines in [false, true] {
                options.continueOnBadLines = continueOnBadLines
                for result in [
                    Result { () throws(HashBankImportError) in try HashBank.importList(input, name: "m", options: options) },
                    Result { () throws(HashBankImportError) in try HashBank.importDelimited(input, name: "m", options: options) },
                ] {
                    guard case .success(let report) = result else { continue }
                    #expect(continueOnBadLines || report.rejects.isEmpty)
                    #expect(report.bank.entries.allSatisfy { ($0.quality ?? 0) >= 0 && ($0.quality ?? 0) <= 100 })
                    #expect(report.bank.entries.allSatisfy { ($0.id?.utf8.count ?? 0) <= 80 })
                    #expect(report.rejects.allSatisfy { $0.line != nil || $0.record != nil })
                }
            }
        }
    }
}
