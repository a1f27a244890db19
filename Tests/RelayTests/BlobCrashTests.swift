import Crypto
import Foundation
import RelayAPI
import Synchronization
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The blob store's durability promise under SIGKILL (docs/relay.md §Encrypted blobs): parts are
/// written without an fsync each, and the upload's offset moves only past parts one fsync
/// covered. The real `letterlock-relay` is killed while parts are being sent, several times, and
/// restarted on the same data directory: the offset it reports afterwards never falls below an
/// offset it answered before (nothing promised is lost), always sits on a part boundary, and the
/// upload, resumed from it, completes under the content address of the original bytes and
/// downloads back whole. (A process kill keeps the page cache; what the fsync adds against a
/// power cut is argued, not tested here.)
@Suite(.serialized) struct BlobCrashTests {
    @Test(.enabled(if: CrashRelay.binary != nil)) func anUploadSurvivesTheRelayBeingKilled() async throws {
        let directory = try CrashRelay.dataDirectory("relay-blob-crash")
        defer { try? FileManager.default.removeItem(at: directory) }
        let part = BlobAddress.partSize
        // 21 parts and a tail: more than two sync intervals (32 MiB) at the default settings.
        let size = 21 * part + 12_345
        // Each part's bytes are generated when needed (a few MiB held, not the whole blob: the
        // memory test of another suite samples this process's resident size).
        let blob = GeneratedBlob(size: size, seed: .random(in: 1...UInt64.max))
        var hasher = BlobAddress.Hasher(size: Int64(size))
        for index in 0..<blob.partCount { hasher.update(data: blob.part(index)) }
        let address = BlobAddress.hex(try #require(hasher.finalize()))

        var relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        let alice = try await CrashRelay.registered(at: relay.url)
        let (created, createdBody) = try await alice.send("POST", "/v1/blobs/uploads", body: try JSONEncoder().encode(BlobUploadRequest(size: Int64(size))))
        #expect(created == 201)
        let uploadID = try JSONDecoder().decode(BlobUploadResponse.self, from: createdBody).uploadID

        func standing(_ client: CrashRelay.Client) async throws -> Int64 {
            let (code, data) = try await client.send("GET", "/v1/blobs/uploads/\(uploadID)")
            #expect(code == 200)
            return try JSONDecoder().decode(BlobUploadResponse.self, from: data).offset
        }

        var promised: Int64 = 0
        var kills = 0
        while kills < 4 {
            let client = CrashRelay.Client(base: relay.url, key: alice.key, device: alice.device)
            let start = try await standing(client)
            #expect(start >= promised, "the relay lost bytes it had promised: \(start) < \(promised)")
            // Every part received and synced (the last kill came after the last part): the end.
            #expect(start % Int64(part) == 0 || start == Int64(size), "not on a part boundary: \(start)")
            guard start < Int64(size) else { break }
            let counts = PartCounts(start)
            // Parts in order from where the relay stands, until the kill.
            let sending = Task { [client, blob] in
                var offset = Int(start)
                while offset < size, !Task.isCancelled {
                    let end = min(size, offset + part)
                    guard let (code, data) = try? await client.send("PUT", "/v1/blobs/uploads/\(uploadID)?offset=\(offset)", body: blob.part(offset / part)),
                        code == 200, let stood = try? JSONDecoder().decode(BlobUploadResponse.self, from: data).offset
                    else { break }
                    counts.answered(stood)
                    offset = end
                }
            }
            // Never more parts than are left to send, or the wait would run to its deadline.
            let wanted = min(Int.random(in: 2...7), blob.partCount - Int(start) / part)
            let deadline = ContinuousClock.now + .seconds(60)
            while counts.state.withLock({ $0.received }) < wanted, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(2))
            }
            try await Task.sleep(for: .milliseconds(Int.random(in: 0...20)))
            relay.kill()
            kills += 1
            await sending.value
            promised = max(promised, counts.state.withLock { $0.answered })
            relay = try await CrashRelay.RelayProcess(dataDirectory: directory)
        }
        #expect(kills >= 3, "too few kills to mean anything: \(kills)")

        // Finish from where it stands, complete under the original address, download whole.
        let client = CrashRelay.Client(base: relay.url, key: alice.key, device: alice.device)
        let start = try await standing(client)
        #expect(start >= promised)
        var offset = Int(start)
        while offset < size {
            let end = min(size, offset + part)
            let (code, _) = try await client.send("PUT", "/v1/blobs/uploads/\(uploadID)?offset=\(offset)", body: blob.part(offset / part))
            #expect(code == 200)
            offset = end
        }
        let (done, doneBody) = try await client.send(
            "POST", "/v1/blobs/uploads/\(uploadID)/complete", body: try JSONEncoder().encode(BlobCompleteRequest(blobID: address)))
        #expect(done == 201, "\(String(decoding: doneBody, as: UTF8.self))")
        for index in 0..<blob.partCount {
            let (code, data) = try await client.sendRanged("/v1/blobs/\(address)", from: index * part, count: part)
            #expect(code == 206 && data == blob.part(index), "part \(index) of the stored blob is the uploaded one")
        }
        relay.kill()
    }
}

/// Pseudo-random blob content, generated part by part (xorshift64 seeded per part).
struct GeneratedBlob: Sendable {
    let size: Int
    let seed: UInt64
    var partCount: Int { (size + BlobAddress.partSize - 1) / BlobAddress.partSize }

    func part(_ index: Int) -> Data {
        let start = index * BlobAddress.partSize
        var bytes = Data(count: min(BlobAddress.partSize, size - start))
        bytes.withUnsafeMutableBytes { buffer in
            var state = seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15 | 1
            for offset in 0..<buffer.count {
                state ^= state << 13
                state ^= state >> 7
                state ^= state << 17
                buffer[offset] = UInt8(truncatingIfNeeded: state)
            }
        }
        return bytes
    }
}

/// The parts the relay answered in one round and the highest offset it promised.
final class PartCounts: Sendable {
    let state: Mutex<(answered: Int64, received: Int)>
    init(_ start: Int64) { state = Mutex((start, 0)) }
    func answered(_ offset: Int64) { state.withLock { $0 = (max($0.answered, offset), $0.received + 1) } }
}

extension CrashRelay.Client {
    /// A signed ranged GET.
    func sendRanged(_ path: String, from start: Int, count: Int) async throws -> (Int, Data) {
        var request = URLRequest(url: URL(string: path, relativeTo: base)!)
        request.httpMethod = "GET"
        request.timeoutInterval = 10
        request.setValue("bytes=\(start)-\(start + count - 1)", forHTTPHeaderField: "Range")
        let headers = try RequestSigning.headers(
            authority: RequestSigning.authority(of: base) ?? "", method: "GET", path: path, body: Data(), device: device, key: key,
            timestamp: Int64(Date().timeIntervalSince1970))
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, data)
    }
}
