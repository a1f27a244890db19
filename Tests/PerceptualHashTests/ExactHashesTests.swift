import Foundation
import PerceptualHash
import TestVectors
import Testing

@Suite struct ExactHashesTests {
    /// RFC 1321 appendix A.5 test suite.
    static let md5KnownAnswers: [(String, String)] = [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", "d174ab98d277d9f5a5611c2c9f419d9f"),
        (String(repeating: "1234567890", count: 8), "57edf4a22be3c955ac49da2e2107b67a"),
    ]

    /// FIPS 180-2 appendix B examples.
    static let sha256KnownAnswers: [(String, String)] = [
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        (String(repeating: "a", count: 1_000_000), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"),
    ]

    @Test(arguments: md5KnownAnswers.indices)
    func md5MatchesRFC1321(index: Int) {
        let (message, digest) = Self.md5KnownAnswers[index]
        #expect(ExactHashes(of: Data(message.utf8)).md5.hex == digest)
    }

    @Test(arguments: sha256KnownAnswers.indices)
    func sha256MatchesFIPS180(index: Int) {
        let (message, digest) = Self.sha256KnownAnswers[index]
        #expect(ExactHashes(of: Data(message.utf8)).sha256.hex == digest)
    }

    @Test func hexParsingRoundTripsAndRejectsMalformedText() throws {
        let digest = ExactHashes(of: Data("abc".utf8)).sha256
        #expect(ExactDigest(hex: digest.hex, algorithm: .sha256) == digest)
        #expect(ExactDigest(hex: digest.hex.uppercased(), algorithm: .sha256) == digest)
        #expect(ExactDigest(hex: digest.hex, algorithm: .md5) == nil)
        #expect(ExactDigest(hex: String(digest.hex.dropLast()) + "g", algorithm: .sha256) == nil)
        #expect(ExactDigest(hex: "", algorithm: .md5) == nil)
    }

    @Test func streamingAcrossChunkBoundariesEqualsOneShot() throws {
        var generator = SplitMix64(state: 99)
        let bytes = (0..<100_003).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("letterlock-exact-\(UUID().uuidString)")
        try Data(bytes).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let oneShot = ExactHashes(of: bytes)
        for chunk in [1, 7, 4096, 65_536, 1 << 20] {
            #expect(try ExactHashes(contentsOf: url, chunkSize: chunk) == oneShot)
        }
    }

    @Test func aMissingFileIsATypedError() {
        let url = URL(fileURLWithPath: "/nonexistent/letterlock/\(UUID().uuidString)")
        #expect(throws: ExactHashError.cannotOpen) { try ExactHashes(contentsOf: url) }
    }

    /// Independent check against the system tools on every PDQ vector image, when they are installed.
    @Test(.enabled(if: TestVectors.availableOrWarn("pdq/images")))
    func filesAgreeWithCoreutils() throws {
        let tools = ["/usr/bin/md5sum", "/usr/bin/sha256sum"]
        try #require(tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }, "coreutils md5sum/sha256sum not found")
        let root = TestVectors.url("pdq/images")
        let enumerator = try #require(FileManager.default.enumerator(atPath: root.path))
        let files = enumerator.compactMap { $0 as? String }.filter { !$0.hasSuffix(".md") && !$0.hasSuffix(".txt") }
            .map { root.appendingPathComponent($0) }.filter { !$0.hasDirectoryPath && (try? $0.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true }
        #expect(files.count >= 30)
        for file in files {
            let hashes = try ExactHashes(contentsOf: file, chunkSize: 65_536)
            #expect(try Self.run(tools[0], file) == hashes.md5.hex, "\(file.lastPathComponent) md5")
            #expect(try Self.run(tools[1], file) == hashes.sha256.hex, "\(file.lastPathComponent) sha256")
        }
    }

    static func run(_ tool: String, _ file: URL) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = [file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self).split(separator: " ").first.map(String.init) ?? ""
    }
}
