import Foundation
import MLS
import Testing
import WireFormat

/// Builds the seed corpora of the MLS fuzz targets from structures made in code (vector bytes
/// are never committed) and checks that each seed is accepted by its decoder. With
/// `LETTERLOCK_WRITE_FUZZ_SEEDS=1` it also writes them to `Fuzz/<Target>/corpus/`:
///
///     LETTERLOCK_WRITE_FUZZ_SEEDS=1 swift test --skip-build --filter FuzzSeedTests
@Suite struct FuzzSeedTests {
    static let groupID: [UInt8] = Array("fuzz-seed-group".utf8)

    static func seeds() throws -> [String: [(name: String, bytes: [UInt8])]] {
        var (tree, members) = try RatchetTreeTests.group(3)
        let created = try RatchetTreeTests.commit(&tree, sender: 0, members: members)
        let crypto = members[0].crypto
        let keyPackage = try TestMember(number: 7).keyPackage()

        let commit = Commit(
            proposals: [.proposal(.add(Add(keyPackage: keyPackage))), .proposal(.remove(Remove(removed: 2))), .reference(Array(repeating: 0xAB, count: 32))],
            path: created.updatePath)
        let content = FramedContent(groupID: groupID, epoch: 7, sender: .member(leafIndex: 0), authenticatedData: [1, 2], body: .commit(commit))
        let publicCommit = PublicMessage(
            content: content, auth: FramedContentAuthData(signature: Array(repeating: 0x51, count: 64), confirmationTag: Array(repeating: 0xC0, count: 32)),
            membershipTag: Array(repeating: 0x3A, count: 32))
        let external = FramedContent(
            groupID: groupID, epoch: 7, sender: .external(senderIndex: 0), authenticatedData: [],
            body: .proposal(.groupContextExtensions(GroupContextExtensions(extensions: [Extension(extensionType: .requiredCapabilities, extensionData: RequiredCapabilities(credentialTypes: [.basic]).wireBytes)]))))
        let publicProposal = PublicMessage(content: external, auth: FramedContentAuthData(signature: [9, 9], confirmationTag: nil), membershipTag: nil)
        let plaintext = PrivateMessageContent(body: .application(Array("hello".utf8)), auth: FramedContentAuthData(signature: [5], confirmationTag: nil), paddingLength: 3)
        let privateMessage = PrivateMessage(
            groupID: groupID, epoch: 7, contentType: .application, authenticatedData: [], encryptedSenderData: Array(repeating: 0xEE, count: 28),
            ciphertext: plaintext.encoded)

        let context = GroupContext(
            cipherSuite: crypto.cipherSuite, groupID: groupID, epoch: 7, treeHash: tree.treeHash(), confirmedTranscriptHash: Array(repeating: 0x77, count: 32),
            extensions: [Extension(extensionType: .externalSenders, extensionData: WireWriterSeeds.externalSenders(members[1]))])
        var groupInfo = GroupInfo(
            groupContext: context,
            extensions: [
                Extension(extensionType: .ratchetTree, extensionData: tree.wireValue.wireBytes),
                Extension(extensionType: .externalPub, extensionData: ExternalPub(externalPub: members[2].initKey.publicKey).wireBytes),
            ],
            confirmationTag: Array(repeating: 0xC0, count: 32), signer: 0, signature: [])
        groupInfo.signature = try crypto.signWithLabel(privateKey: members[0].signer, label: "GroupInfoTBS", content: groupInfo.toBeSigned)

        let secrets = GroupSecrets(
            joinerSecret: Secret(bytes: Array(repeating: 0x11, count: 32)), pathSecret: Secret(bytes: Array(repeating: 0x22, count: 32)),
            psks: [
                PreSharedKeyID(kind: .external(pskID: [1, 2, 3]), nonce: Array(repeating: 0x33, count: 32)),
                PreSharedKeyID(kind: .resumption(usage: .application, groupID: groupID, epoch: 3), nonce: Array(repeating: 0x44, count: 32)),
            ])
        let sealed = try crypto.encryptWithLabel(publicKey: keyPackage.initKey, label: "Welcome", context: [0xE1], plaintext: secrets.wireBytes)
        let welcome = Welcome(
            cipherSuite: crypto.cipherSuite,
            secrets: [EncryptedGroupSecrets(newMember: crypto.makeKeyPackageRef(keyPackage.wireBytes), encryptedGroupSecrets: HPKECiphertext(kemOutput: sealed.kemOutput, ciphertext: sealed.ciphertext))],
            encryptedGroupInfo: [0xE1])

        return [
            "FuzzMLSMessage": [
                ("key-package", MLSMessage(.keyPackage(keyPackage)).wireBytes),
                ("public-commit", MLSMessage(.publicMessage(publicCommit)).wireBytes),
                ("public-external-proposal", MLSMessage(.publicMessage(publicProposal)).wireBytes),
                ("private-application", MLSMessage(.privateMessage(privateMessage)).wireBytes),
                ("group-info", MLSMessage(.groupInfo(groupInfo)).wireBytes),
                ("welcome", MLSMessage(.welcome(welcome)).wireBytes),
            ],
            "FuzzWelcome": [("welcome", [0] + welcome.wireBytes), ("group-secrets", [1] + secrets.wireBytes)],
            "FuzzKeyPackage": [("key-package", keyPackage.wireBytes)],
            "FuzzGroupInfo": [("group-info", groupInfo.wireBytes)],
            "FuzzRatchetTree": [("three-members-after-commit", tree.wireValue.wireBytes), ("five-members-added", try RatchetTreeTests.group(5).0.wireValue.wireBytes)],
        ]
    }

    @Test func seedsDecodeAndOptionallyAreWritten() throws {
        let seeds = try Self.seeds()
        for seed in seeds["FuzzMLSMessage"] ?? [] { #expect(try MLSMessage(wireBytes: seed.bytes).wireBytes == seed.bytes) }
        for seed in seeds["FuzzKeyPackage"] ?? [] { _ = try KeyPackageIn(wireBytes: seed.bytes) }
        for seed in seeds["FuzzGroupInfo"] ?? [] { _ = try GroupInfo(wireBytes: seed.bytes) }
        for seed in seeds["FuzzRatchetTree"] ?? [] { _ = try RatchetTreeIn(wireBytes: seed.bytes) }
        guard ProcessInfo.processInfo.environment["LETTERLOCK_WRITE_FUZZ_SEEDS"] == "1" else { return }
        let fuzz = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fuzz").standardizedFileURL
        for (target, files) in seeds {
            let corpus = fuzz.appendingPathComponent("\(target)/corpus")
            try FileManager.default.createDirectory(at: corpus, withIntermediateDirectories: true)
            for file in files { try Data(file.bytes).write(to: corpus.appendingPathComponent(file.name)) }
        }
    }
}

enum WireWriterSeeds {
    /// An `external_senders` extension body with one sender.
    static func externalSenders(_ member: TestMember) -> [UInt8] {
        var writer = WireWriter()
        writer.writeVector { (w: inout WireWriter) in
            w.write(ExternalSender(signatureKey: member.signer.publicKey, credential: Credential(member.identity)))
        }
        return writer.bytes
    }
}
