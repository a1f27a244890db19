import Foundation
import MLSInterop
import TestVectors
import Testing

/// `hpke-pq/test-vectors.json`: DeriveKeyPair and Decap for every KEM we implement.
@Suite struct HPKEPQVectorTests {
    static let file = "hpke-pq/test-vectors.json"

    struct KEMCase: Decodable {
        let kem_id: UInt16
    }

    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func derivedKeysMatchAndDecapsulate() throws {
        let result = try HPKEPQRunner().run(contentsOf: TestVectors.url(Self.file))
        // The KEMs the MLS suites use: DHKEM P-256, P-384, P-521, X25519, and X-Wing.
        let implemented: Set<UInt16> = [0x0010, 0x0011, 0x0012, 0x0020, 0x647a]
        let kems = try JSONDecoder().decode([KEMCase].self, from: Data(contentsOf: TestVectors.url(Self.file))).map(\.kem_id)
        #expect(result.failures == [])
        #expect(result.failed == 0)
        #expect(result.passed == kems.filter { implemented.contains($0) }.count)
        #expect(result.skipped == kems.filter { !implemented.contains($0) }.count)
        #expect(kems.contains(0x647a))
    }
}
