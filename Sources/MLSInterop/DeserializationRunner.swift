public import Foundation
import WireFormat

/// `deserialization.json`: the RFC 9420 §2.1.2 variable-length header.
///
/// Each case gives a header and the length it encodes. We check both directions: decoding the
/// header yields the length and consumes exactly the header, and encoding the length yields
/// exactly the header (so our encoder is minimal, as the RFC requires).
public struct DeserializationRunner: VectorRunner {
    public static let kind = "deserialization"
    public init() {}

    struct Case: Decodable {
        let vlbytes_header: HexBytes
        let length: Int
    }

    public func run(_ data: Data) throws(VectorFileError) -> VectorResult {
        var result = VectorResult()
        for (index, testCase) in try Self.decodeCases(Case.self, from: data).enumerated() {
            var problems: [String] = []
            var reader = WireReader(testCase.vlbytes_header.bytes)
            do {
                let length = try reader.readVarintLength()
                if length != testCase.length { problems.append("decoded length \(length), expected \(testCase.length)") }
                if !reader.isAtEnd { problems.append("header not fully consumed") }
            } catch {
                problems.append("decode failed: \(error)")
            }
            if (try? WireWriter.validateLength(testCase.length)) != nil {
                var writer = WireWriter()
                writer.writeVarintLength(testCase.length)
                if writer.bytes != testCase.vlbytes_header.bytes { problems.append("encoding differs") }
            } else {
                problems.append("length not encodable")
            }
            result.record("case \(index)", problems: problems)
        }
        return result
    }
}
