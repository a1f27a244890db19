import Foundation
import MLSInterop
import TestVectors
import Testing

/// `hpke-pq/test-vectors.json`: DeriveKeyPair and Decap for every KEM we implement.
@Suite struct HPKEPQVectorTests {
    static let file = "hpke-pq/test-vectors.json"

    struct KEMCase: Decodable {
        let kem_id: UInt16
        let kdf_id: UInt16
        let aead_id: UInt16
        let encryptions: [Ignored]
        let exports: [Ignored]
    }

    struct Ignored: Decodable {}

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

    /// Review M9: the HPKE contexts (SetupBaseR, then every encryption and export) for each case
    /// whose KEM, KDF and AEAD swift-crypto has: in this file, one X-Wing case (HKDF-SHA256,
    /// ChaCha20-Poly1305) with 10 encryptions and 5 exports.
    @Test(.enabled(if: TestVectors.availableOrWarn(file)))
    func contextsOpenEveryEncryptionAndExport() throws {
        let result = try HPKEPQContextRunner().run(contentsOf: TestVectors.url(Self.file))
        let cases = try JSONDecoder().decode([KEMCase].self, from: Data(contentsOf: TestVectors.url(Self.file)))
        let implemented: Set<UInt16> = [0x0010, 0x0011, 0x0012, 0x0020, 0x647a]
        let runnable = cases.filter { implemented.contains($0.kem_id) && (1...3).contains($0.kdf_id) && (1...3).contains($0.aead_id) }
        #expect(result.failures == [])
        #expect(result.passed == runnable.count)
        #expect(result.skipped == cases.count - runnable.count)
        #expect(runnable.map(\.kem_id) == [0x647a])
        #expect(runnable.map(\.encryptions.count) == [10] && runnable.map(\.exports.count) == [5])
    }
}
