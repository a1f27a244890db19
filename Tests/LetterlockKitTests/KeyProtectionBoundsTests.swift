import Crypto
import Foundation
@testable import LetterlockKit
import Testing

/// Review L3: scrypt parameters are read from the state file before any authentication, so they
/// must not let a corrupted or planted file make the client allocate gigabytes.
@Suite struct KeyProtectionBoundsTests {
    static let salt = Data(repeating: 9, count: 16)

    @Test(arguments: [(20, 32, 4), (20, 8, 1), (18, 32, 1), (17, 16, 4)])
    func parametersAbove256MiBAreRefused(_ logN: Int, _ blockSize: Int, _ parallelism: Int) throws {
        let protection = KeyProtection(salt: Self.salt, logN: logN, blockSize: blockSize, parallelism: parallelism)
        try #require(!protection.isWithinBounds)  // stops here, before any scrypt run, when the bound is missing
        #expect(throws: LetterlockError.unsupportedStateVersion) { try protection.open(Data(count: 60), passphrase: "x") }
    }

    @Test func theDefaultsAndTheTestParametersStayAccepted() {
        #expect(KeyProtection.fresh().isWithinBounds)
        #expect(KeyProtection.fresh(logN: 10).isWithinBounds)
        #expect(KeyProtection(salt: Self.salt, logN: 18, blockSize: 8, parallelism: 1).isWithinBounds)  // 256 MiB
    }
}
