import Crypto
import Dispatch
import Foundation
@_spi(Benchmark) import MLS
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// The group figures of issue 2 item 7: add N members in one Commit, join an N-member group from
/// its Welcome, commit with a path in it, and process that Commit as a member. Each beside the
/// primitives it cannot avoid, measured in the same run (per-operation costs timed on a sample
/// and multiplied by the count the operation needs).
extension MLSBench {
    /// One client: keys and a signed KeyPackage (Letterlock basic credential, 30-day lifetime).
    struct BenchClient {
        let signer: SignaturePrivateKey
        let initKey: HPKEPrivateKey
        let encryptionKey: HPKEPrivateKey
        let keyPackage: KeyPackageIn

        init(crypto: CryptoSuite, number: Int, now: UInt64) throws {
            signer = SignaturePrivateKey.generate(scheme: crypto.signatureScheme)
            initKey = try HPKEPrivateKey.generate(kem: crypto.kem)
            encryptionKey = try HPKEPrivateKey.generate(kem: crypto.kem)
            var id = [UInt8](repeating: 0, count: 16)
            withUnsafeBytes(of: UInt64(number).bigEndian) { id.replaceSubrange(8..<16, with: $0) }
            let identity = LetterlockIdentity(accountID: id, deviceID: id)!  // 16-byte ids: always valid
            var leaf = LeafNode(
                encryptionKey: encryptionKey.publicKey, signatureKey: signer.publicKey, credential: Credential(identity),
                capabilities: Capabilities(cipherSuites: [crypto.cipherSuite]), source: .keyPackage(Lifetime(notBefore: now - 3600, notAfter: now + 30 * 86_400)),
                extensions: [], signature: [])
            leaf.signature = try crypto.signWithLabel(privateKey: signer, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: [], leafIndex: 0))
            var keyPackage = KeyPackageIn(cipherSuite: crypto.cipherSuite, initKey: initKey.publicKey, leafNode: leaf, extensions: [], signature: [])
            keyPackage.signature = try crypto.signWithLabel(privateKey: signer, label: "KeyPackageTBS", content: keyPackage.toBeSigned)
            self.keyPackage = keyPackage
        }
    }

    /// Verifies every leaf's KeyPackage-context signature, in chunks of 64 across the cores: the
    /// parallel floor of a join's leaf checks (the same count of Ed25519 verifications).
    static func verifyInParallel(_ leaves: [LeafNode], crypto: CryptoSuite) throws {
        let chunkSize = 64
        let chunks = (leaves.count + chunkSize - 1) / chunkSize
        let failures = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            for leaf in leaves[chunk * chunkSize..<min(leaves.count, (chunk + 1) * chunkSize)] {
                let tbs = leaf.toBeSigned(groupID: [], leafIndex: 0)
                if !crypto.verifyWithLabel(publicKey: leaf.signatureKey, label: "LeafNodeTBS", content: tbs, signature: leaf.signature) {
                    failures.add(1, ordering: .relaxed)
                }
            }
        }
        guard failures.load(ordering: .relaxed) == 0 else { throw BenchError("parallel verification failed") }
    }

    /// User + system CPU time of this process so far, all threads (`getrusage`).
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        #if os(Linux)
            let who = RUSAGE_SELF.rawValue  // an enum in Glibc, a macro elsewhere
        #else
            let who = RUSAGE_SELF
        #endif
        guard getrusage(who, &usage) == 0 else { return .nan }
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func measureGroup(suite: CipherSuite, size: Int, reporter: BenchReporter) throws {
        let crypto = try suite.crypto()
        let name = suite.rawValue == CipherSuite.provisionalMLKEM768X25519Codepoint ? "pq-default" : "suite-\(suite.rawValue)"
        let now = UInt64(Date().timeIntervalSince1970)
        let configuration = MLSGroup.Configuration(lifetimePolicy: .check(now: { now }), credentialValidator: LetterlockIdentityValidator())
        reporter.note("mls group \(name) n=\(size): generating \(size) key packages")
        let creator = try BenchClient(crypto: crypto, number: 0, now: now)
        let clients = try (1...size).map { try BenchClient(crypto: crypto, number: $0, now: now) }
        let base = try MLSGroup(
            creating: Array("bench group".utf8), cipherSuite: suite, leafNode: creator.keyPackage.leafNode, encryptionKey: creator.encryptionKey,
            signer: creator.signer, configuration: configuration)

        // Per-operation primitive costs, on a sample.
        let sample = clients.prefix(200)
        let verifySeconds = try Stopwatch.best(of: 3) {
            for client in sample {
                let leaf = client.keyPackage.leafNode
                guard crypto.verifyWithLabel(
                    publicKey: leaf.signatureKey, label: "LeafNodeTBS", content: leaf.toBeSigned(groupID: [], leafIndex: 0), signature: leaf.signature)
                else { throw BenchError("sample verification failed") }
            }
        } / Double(sample.count)
        let payload = [UInt8](repeating: 0x11, count: crypto.hashLength + 40)
        var sealed: [(kemOutput: [UInt8], ciphertext: [UInt8])] = []
        let sealSeconds = try Stopwatch.best(of: 3) {
            sealed = []
            for client in sample {
                let s = try crypto.encryptWithLabel(publicKey: client.initKey.publicKey, label: "Welcome", context: [1], plaintext: payload)
                sealed.append((s.kemOutput, s.ciphertext))
            }
        } / Double(sample.count)
        let openSeconds = try Stopwatch.best(of: 3) {
            for (client, s) in zip(sample, sealed) {
                _ = try crypto.decryptWithLabel(privateKey: client.initKey, label: "Welcome", context: [1], kemOutput: s.kemOutput, ciphertext: s.ciphertext)
            }
        } / Double(sample.count)
        let signer = creator.signer
        let signSeconds = try Stopwatch.best(of: 3) {
            for _ in 0..<50 { _ = try crypto.signWithLabel(privateKey: signer, label: "FramedContentTBS", content: payload) }
        } / 50

        // 1. Add `size` members in one Commit (each KeyPackage validated, the Welcome built). The
        // ratchet tree travels out of band: inside the GroupInfo it is part of the HPKE context of
        // every joiner's EncryptWithLabel (RFC 9420 §12.4.3.1), which makes the Welcome
        // O(members x tree size); measured separately below for small groups.
        var created: CreatedCommit?
        var group = base
        let addSeconds = try Stopwatch.seconds {
            created = try group.commit(CommitOptions(adding: clients.map(\.keyPackage), ratchetTreeInWelcome: false))
        }
        let addReference = Double(size) * (2 * verifySeconds + sealSeconds)
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) add \(size) members in one commit (tree out of band)", value: addSeconds * 1e3, unit: "ms",
                reference: "\(size) x (2 verifications + 1 HPKE encryption) (\(Int(addReference * 1e3)) ms)", ratio: addSeconds / addReference))
        if size <= 1_000 {
            var withTree = base
            let treeSeconds = try Stopwatch.seconds { _ = try withTree.commit(CommitOptions(adding: clients.map(\.keyPackage))) }
            reporter.report(
                BenchFigure(
                    bench: "mls", metric: "\(name) add \(size) members in one commit (tree in the Welcome)", value: treeSeconds * 1e3, unit: "ms",
                    reference: "\(size) x (2 verifications + 1 HPKE encryption) (\(Int(addReference * 1e3)) ms)", ratio: treeSeconds / addReference))
        }
        try group.mergePendingCommit()
        let tree = group.ratchetTree.wireValue

        // 2. Join from the Welcome as the member in the middle (the tree given out of band).
        guard case .welcome(let welcome) = created?.welcome?.body else { throw BenchError("no welcome") }
        let joiner = clients[size / 2]
        let keys = KeyPackagePrivateKeys(initKey: joiner.initKey, encryptionKey: joiner.encryptionKey, signatureKey: joiner.signer)
        var member: MLSGroup?
        let cpuBefore = Self.processCPUSeconds()
        let joinSeconds = try Stopwatch.seconds {
            member = try MLSGroup(joining: welcome, keyPackage: joiner.keyPackage, privateKeys: keys, ratchetTree: tree, configuration: configuration)
        }
        let joinCPUSeconds = Self.processCPUSeconds() - cpuBefore
        // The join checks every leaf's signature in parallel across the cores, so it is shown
        // against both floors: the serial cost of its (size + 1) verifications, and the same
        // verifications actually run across the cores in this process, right after the join.
        let joinReference = Double(size + 1) * verifySeconds
        let everyLeaf = [creator.keyPackage.leafNode] + clients.map(\.keyPackage.leafNode)
        let parallelReference = try Stopwatch.seconds { try Self.verifyInParallel(everyLeaf, crypto: crypto) }
        let cores = ProcessInfo.processInfo.activeProcessorCount
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) join a \(size + 1)-member group from its Welcome (vs serial)", value: joinSeconds * 1e3, unit: "ms",
                reference: "\(size + 1) leaf signature verifications, serial (\(Int(joinReference * 1e3)) ms)", ratio: joinSeconds / joinReference))
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) join a \(size + 1)-member group from its Welcome (vs parallel)", value: joinSeconds * 1e3, unit: "ms",
                reference: "\(size + 1) leaf signature verifications across \(cores) cores (\(Int(parallelReference * 1e3)) ms)",
                ratio: joinSeconds / parallelReference))
        // CPU time on all threads: what the join costs whatever else the machine runs (on a
        // shared machine the wall-clock figures above move with the load).
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) join a \(size + 1)-member group from its Welcome, CPU time on all threads",
                value: joinCPUSeconds * 1e3, unit: "ms",
                reference: "\(size + 1) leaf signature verifications, serial (\(Int(joinReference * 1e3)) ms)", ratio: joinCPUSeconds / joinReference))

        // 3. The worst case of a Commit with a path (self-update) in that group: right after the
        // mass add every parent off the committer's path is blank, so the path encrypts to the
        // resolution of every copath node, about every leaf (RFC 9420 §4.1.1: inherent).
        var updated = group
        var pathCommit: CreatedCommit?
        let commitSeconds = try Stopwatch.seconds { pathCommit = try updated.selfUpdate() }
        guard let pathCommit, case .publicMessage(let message) = pathCommit.commit.body, case .commit(let commit) = message.content.body,
            let path = commit.path
        else { throw BenchError("no path") }
        let encryptions = path.nodes.reduce(0) { $0 + $1.encryptedPathSecret.count }
        let commitReference = Double(encryptions) * sealSeconds + 2 * signSeconds
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) worst case: commit with path right after the mass add, \(size + 1) members (\(encryptions) HPKE encryptions)",
                value: commitSeconds * 1e3,
                unit: "ms", reference: "\(encryptions) HPKE encryptions + 2 signatures (\(Int(commitReference * 1e3)) ms)",
                ratio: commitSeconds / commitReference))

        // 4. Process that Commit as the joined member.
        guard var processing = member else { throw BenchError("no member") }
        let processSeconds = try Stopwatch.seconds {
            guard case .commit = try processing.process(pathCommit.commit) else { throw BenchError("not a commit") }
        }
        try updated.mergePendingCommit()
        if processing.epochAuthenticator != updated.epochAuthenticator { reporter.note("warning: epoch authenticators differ") }
        let processReference = 2 * verifySeconds + openSeconds
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) worst case: process that commit as a member", value: processSeconds * 1e3, unit: "ms",
                reference: "2 verifications + 1 HPKE decryption (\(String(format: "%.2f", processReference * 1e3)) ms)",
                ratio: processSeconds / processReference))

        // 5. The steady state: the same members, in a group whose tree is populated.
        let members = ([creator] + clients).map {
            PopulatedGroupMember(leafNode: $0.keyPackage.leafNode, encryptionKey: $0.encryptionKey, signer: $0.signer)
        }
        try measureSteadyState(
            name: name, crypto: crypto, members: members, configuration: configuration, reporter: reporter,
            primitives: (seal: sealSeconds, open: openSeconds, sign: signSeconds, verify: verifySeconds))
    }

    /// The steady-state figures: a Commit with a path by a member of a group whose parent nodes
    /// are all filled (as after its members have committed), and processing it as another
    /// member. The group comes from ``MLSGroup/populated(groupID:cipherSuite:members:statesFor:configuration:)``,
    /// which replays the tree operations of one Commit per even leaf (see there); its tree is
    /// checked here as a joiner checks it (parent hashes, every leaf signature).
    func measureSteadyState(
        name: String, crypto: CryptoSuite, members: [PopulatedGroupMember], configuration: MLSGroup.Configuration, reporter: BenchReporter,
        primitives: (seal: Double, open: Double, sign: Double, verify: Double)
    ) throws {
        let size = members.count
        // The committer in the left half, the receiver in the right: they share only the root,
        // so the receiver decrypts the top path secret and derives nothing above it.
        let committerLeaf = UInt32(size / 3), receiverLeaf = UInt32(2 * size / 3)
        var groups: [MLSGroup] = []
        let buildSeconds = try Stopwatch.seconds {
            groups = try MLSGroup.populated(
                groupID: Array("bench group".utf8), cipherSuite: crypto.cipherSuite, members: members, statesFor: [committerLeaf, receiverLeaf],
                configuration: configuration)
        }
        var tree = groups[0].ratchetTree
        let validSeconds = try Stopwatch.seconds {
            _ = try RatchetTree(
                validating: tree.wireValue, crypto: crypto, groupID: groups[0].groupID, expectedTreeHash: tree.treeHash(),
                groupContextExtensions: [],
                leafValidator: LeafNodeValidator(
                    crypto: crypto, credentialValidator: configuration.credentialValidator, lifetimePolicy: configuration.lifetimePolicy))
        }
        reporter.note(
            "mls group \(name) n=\(size): populated tree built in \(Int(buildSeconds * 1e3)) ms (\(size / 2 + size % 2) path updates), "
                + "validated as a joiner would in \(Int(validSeconds * 1e3)) ms")

        var committer = groups[0], receiver = groups[1]
        var commitTimes: [Double] = [], processTimes: [Double] = []
        var encryptions = 0
        for _ in 0..<max(3, repetitions) {
            var created: CreatedCommit?
            commitTimes.append(try Stopwatch.seconds { created = try committer.selfUpdate() })
            guard let created, case .publicMessage(let message) = created.commit.body, case .commit(let commit) = message.content.body,
                let path = commit.path
            else { throw BenchError("no path") }
            encryptions = path.nodes.reduce(0) { $0 + $1.encryptedPathSecret.count }
            processTimes.append(
                try Stopwatch.seconds {
                    guard case .commit = try receiver.process(created.commit) else { throw BenchError("not a commit") }
                })
            try committer.mergePendingCommit()
            guard receiver.epochAuthenticator == committer.epochAuthenticator else { throw BenchError("epoch authenticators differ") }
        }
        let commitSeconds = commitTimes.min() ?? 0, processSeconds = processTimes.min() ?? 0
        let commitReference = Double(encryptions) * primitives.seal + 2 * primitives.sign
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) steady state: commit with path, \(size) members, populated tree (\(encryptions) HPKE encryptions)",
                value: commitSeconds * 1e3, unit: "ms",
                reference: "\(encryptions) HPKE encryptions + 2 signatures, serial (\(String(format: "%.2f", commitReference * 1e3)) ms)",
                ratio: commitSeconds / commitReference))
        let processReference = 2 * primitives.verify + primitives.open
        reporter.report(
            BenchFigure(
                bench: "mls", metric: "\(name) steady state: process that commit as a member", value: processSeconds * 1e3, unit: "ms",
                reference: "2 verifications + 1 HPKE decryption (\(String(format: "%.2f", processReference * 1e3)) ms)",
                ratio: processSeconds / processReference))
        reporter.note(
            "mls group \(name) n=\(size) steady state, all rounds: commit "
                + commitTimes.map { String(format: "%.1f", $0 * 1e3) }.joined(separator: " ") + " ms; process "
                + processTimes.map { String(format: "%.1f", $0 * 1e3) }.joined(separator: " ") + " ms")
    }
}
