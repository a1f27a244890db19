// swift-tools-version: 6.1
//
// Letterlock: end-to-end encrypted messaging and file sharing whose safety
// protections never read private content. One package, domain-named modules,
// dependencies pointing down (see ../shared/design/ARCHITECTURE.md and README.md).
//
// The manifest is split by area so that work on one area touches one section.

import Foundation
import PackageDescription

// MARK: - Settings shared by every Letterlock target

/// Hummingbird's strictness: every `public import` marks where a dependency leaks into an API.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

/// Hot loops (PDQ filters, popcount scans) want the CPU's POPCNT; x86-64-v2 is every x86 server since 2009.
let hotLoopSettings: [SwiftSetting] =
    strictSettings + [
        .unsafeFlags(["-Xcc", "-mpopcnt"], .when(platforms: [.linux])),
    ]

// MARK: - External packages (versions as on the local mirror)

let crypto: [Target.Dependency] = [
    .product(name: "Crypto", package: "swift-crypto"),
    .product(name: "_CryptoExtras", package: "swift-crypto"),
]
let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
    .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
]

// MARK: - Shared support

var targets: [Target] = [
    /// Finds the shared test vectors (LETTERLOCK_VECTORS, default ../shared/vectors).
    .target(name: "TestVectors", swiftSettings: strictSettings),
    .testTarget(name: "TestVectorsTests", dependencies: ["TestVectors"], swiftSettings: strictSettings),
]

// MARK: - MLS (issue 2): WireFormat, MLS, interop runners, conformance tool

targets += [
    .target(name: "WireFormat", swiftSettings: strictSettings),
    .target(name: "MLS", dependencies: ["WireFormat"] + crypto, swiftSettings: strictSettings),
    .target(name: "MLSInterop", dependencies: ["MLS", "WireFormat", "TestVectors"] + crypto, swiftSettings: strictSettings),
    .executableTarget(
        name: "LetterlockConformance",
        dependencies: ["MLSInterop", argumentParser],
        swiftSettings: strictSettings
    ),
    .testTarget(name: "WireFormatTests", dependencies: ["WireFormat"], swiftSettings: strictSettings),
    .testTarget(name: "MLSTests", dependencies: ["MLS", "MLSInterop", "WireFormat", "TestVectors"] + crypto, swiftSettings: strictSettings),
]

// MARK: - Known-material matching (issue 4): image decoding, PDQ, hash banks, letterlock-hash

targets += [
    .systemLibrary(name: "CJPEG", pkgConfig: "libjpeg", providers: [.apt(["libjpeg62-turbo-dev"])]),
    .systemLibrary(name: "CPNG", pkgConfig: "libpng16", providers: [.apt(["libpng-dev"])]),
    .systemLibrary(name: "CWebP", pkgConfig: "libwebpdemux", providers: [.apt(["libwebp-dev"])]),
    /// Our own C glue: setjmp-guarded libjpeg/libpng entry points (the libraries longjmp on errors).
    .target(
        name: "CImageShims",
        dependencies: ["CJPEG", "CPNG"],
        linkerSettings: [.linkedLibrary("jpeg"), .linkedLibrary("png16")]
    ),
    .target(name: "ImageDecoding", dependencies: ["CImageShims", "CWebP"], swiftSettings: strictSettings),
    .target(name: "PerceptualHash", dependencies: ["ImageDecoding"] + crypto, swiftSettings: hotLoopSettings),
    /// The commands of letterlock-hash, as a library so tests can run them without a process.
    .target(
        name: "LetterlockHashCommands",
        dependencies: ["PerceptualHash", "ImageDecoding", argumentParser],
        swiftSettings: strictSettings
    ),
    .executableTarget(
        name: "LetterlockHash",
        dependencies: ["LetterlockHashCommands", argumentParser],
        swiftSettings: strictSettings
    ),
    .testTarget(name: "ImageDecodingTests", dependencies: ["ImageDecoding", "CImageShims", "TestVectors"], swiftSettings: strictSettings),
    .testTarget(name: "PerceptualHashTests", dependencies: ["PerceptualHash", "ImageDecoding", "TestVectors"], swiftSettings: strictSettings),
    .testTarget(
        name: "LetterlockHashTests",
        dependencies: ["LetterlockHashCommands", "LetterlockHash", "PerceptualHash", "ImageDecoding", "TestVectors"],
        swiftSettings: strictSettings
    ),
    /// File-level conformance: decode + PDQ against images-fullres-rgb.csv and images-cpp-cli.csv.
    .testTarget(
        name: "PDQFileConformanceTests",
        dependencies: ["PerceptualHash", "ImageDecoding", "TestVectors"],
        swiftSettings: strictSettings
    ),
]

// MARK: - Relay (issue 3): RelayStorage, Relay, letterlock-relay

dependencies += [
    .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket.git", from: "2.8.1"),
    .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
    .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
]

let hummingbird: Target.Dependency = .product(name: "Hummingbird", package: "hummingbird")
let hummingbirdWebSocket: Target.Dependency = .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")
let grdb: Target.Dependency = .product(name: "GRDB", package: "GRDB.swift")
let logging: Target.Dependency = .product(name: "Logging", package: "swift-log")
let metrics: Target.Dependency = .product(name: "Metrics", package: "swift-metrics")
let prometheus: Target.Dependency = .product(name: "Prometheus", package: "swift-prometheus")
let serviceLifecycle: Target.Dependency = .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")
let nioCore: Target.Dependency = .product(name: "NIOCore", package: "swift-nio")
let nioWebSocket: Target.Dependency = .product(name: "NIOWebSocket", package: "swift-nio")
let httpTypes: Target.Dependency = .product(name: "HTTPTypes", package: "swift-http-types")

targets += [
    /// What client and relay share: request signing, JSON bodies, the MLS framing header reader.
    /// The framing header is read with the MLS module's codec (a pure library).
    .target(name: "RelayAPI", dependencies: ["MLS", "WireFormat"] + crypto, swiftSettings: strictSettings),
    /// Hand-written decoders for the canonical spelling of the relay's hot-path JSON (sealed-send
    /// bodies, push acks); anything else falls back to JSONDecoder. Foundation only, so its fuzz
    /// target builds without the server stack.
    .target(name: "RelayJSON", dependencies: ["RelayAPI"], swiftSettings: strictSettings),
    /// Store protocols, in-memory and SQLite (GRDB) drivers, and the conformance suite every driver runs.
    .target(name: "RelayStorage", dependencies: [grdb] + crypto, swiftSettings: strictSettings),
    /// The delivery service and key directory: routes, auth, push, services.
    .target(
        name: "Relay",
        dependencies: [
            "RelayAPI", "RelayJSON", "RelayStorage", hummingbird, hummingbirdWebSocket, logging, metrics, serviceLifecycle, nioCore, nioWebSocket,
            httpTypes,
        ] + crypto,
        resources: [.copy("Resources/openapi.json")],
        swiftSettings: strictSettings
    ),
    .executableTarget(
        name: "LetterlockRelay",
        dependencies: [
            "Relay", "RelayStorage", hummingbird, logging, metrics, prometheus, serviceLifecycle, nioCore, argumentParser,
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ],
        swiftSettings: strictSettings
    ),
    .testTarget(name: "RelayStorageTests", dependencies: ["RelayStorage", grdb], swiftSettings: strictSettings),
    .testTarget(name: "RelayAPITests", dependencies: ["RelayAPI", "MLS", "WireFormat"] + crypto, swiftSettings: strictSettings),
    .testTarget(
        name: "RelayTests",
        dependencies: [
            "Relay", "RelayAPI", "RelayJSON", "RelayStorage", hummingbird, hummingbirdWebSocket, logging, nioCore, nioWebSocket, httpTypes, grdb,
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "MetricsTestKit", package: "swift-metrics"),
        ] + crypto,
        swiftSettings: strictSettings
    ),
]

// MARK: - Client (issue 5): LetterlockFiles, LetterlockKit, the `letterlock` CLI

dependencies += [
    .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0")
]
let asyncHTTPClient: Target.Dependency = .product(name: "AsyncHTTPClient", package: "async-http-client")

// MARK: Client: encrypted files (format, streaming cipher, resumable blob transfer)

targets += [
    /// The encrypted file format (chunked STREAM over AES-256-GCM, key-committing header), the
    /// streaming encryptor and decryptor, manifests and public links: no networking, fuzzed.
    .target(name: "FileCipher", dependencies: ["RelayAPI"] + crypto, swiftSettings: strictSettings),
    /// Resumable blob upload and download over the relay (async-http-client), whole-file send and
    /// receive, and the CLI's progress bar. Re-exports FileCipher.
    .target(
        name: "LetterlockFiles",
        dependencies: ["FileCipher", "RelayAPI", asyncHTTPClient, nioCore, .product(name: "NIOHTTP1", package: "swift-nio")] + crypto,
        swiftSettings: strictSettings
    ),
    .testTarget(
        name: "LetterlockFilesTests",
        dependencies: [
            "LetterlockFiles", "FileCipher", "Relay", "RelayAPI", "RelayStorage", asyncHTTPClient, hummingbird, logging, serviceLifecycle, nioCore,
            .product(name: "NIOHTTP1", package: "swift-nio"),
        ] + crypto,
        swiftSettings: strictSettings
    ),
]

// MARK: Client: LetterlockKit (device state, relay client, identity, contacts) and the CLI

let webSocketClient: Target.Dependency = .product(name: "HummingbirdWSClient", package: "hummingbird-websocket")

targets += [
    /// What Letterlock clients send each other (the versioned envelope, contact cards, invite
    /// links, link codes) and safety numbers: pure values and codecs, no I/O, so they fuzz cheaply.
    .target(name: "LetterlockEnvelope", dependencies: ["RelayAPI"] + crypto, swiftSettings: strictSettings),
    /// The client SDK: device state (GRDB), the signed relay client and push connection, identity,
    /// contacts, requests, blocks, device linking and safety numbers. No CLI code.
    .target(
        name: "LetterlockKit",
        dependencies: [
            "LetterlockEnvelope", "RelayAPI", "MLS", "WireFormat", "LetterlockFiles", "FileCipher", grdb, asyncHTTPClient, webSocketClient, logging,
            nioCore, httpTypes,
            .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "NIOFoundationCompat", package: "swift-nio"),
        ] + crypto,
        swiftSettings: strictSettings
    ),
    /// The commands of `letterlock`, as a library so tests can run them without a process.
    /// `letterlock demo` runs a relay in-process, hence Relay and its SQLite store here.
    .target(
        name: "LetterlockCommands",
        dependencies: [
            "LetterlockKit", "LetterlockFiles", "FileCipher", "Relay", "RelayStorage", "RelayAPI", argumentParser, grdb, hummingbird, logging, serviceLifecycle, nioCore,
        ],
        swiftSettings: strictSettings
    ),
    .executableTarget(name: "Letterlock", dependencies: ["LetterlockCommands"], swiftSettings: strictSettings),
    .testTarget(
        name: "LetterlockKitTests",
        dependencies: [
            "LetterlockKit", "LetterlockEnvelope", "LetterlockCommands", "LetterlockFiles", "FileCipher", "MLS", "WireFormat", "Relay", "RelayAPI",
            "RelayStorage",
            hummingbird, grdb, logging, nioCore, serviceLifecycle,
        ] + crypto,
        swiftSettings: strictSettings
    ),
]

// MARK: - Benchmarks (every area adds a subcommand file)

targets += [
    .executableTarget(
        name: "LetterlockBench",
        dependencies: [
            "MLS", "PerceptualHash", "ImageDecoding", argumentParser,
            // relay: simulated devices (NIO HTTP/1.1 and WebSocket clients) and the echo ceiling.
            "RelayAPI", hummingbird, hummingbirdWebSocket, logging, nioCore, nioWebSocket, httpTypes,
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            // files: a relay on loopback and the file client.
            "LetterlockFiles", "Relay", "RelayStorage", asyncHTTPClient, serviceLifecycle,
        ] + crypto,
        swiftSettings: hotLoopSettings
    ),
    // The bench's own logic: /proc readers, rounds and their median, the figures printed.
    .testTarget(name: "LetterlockBenchTests", dependencies: ["LetterlockBench"], swiftSettings: strictSettings),
]

// MARK: - Fuzz targets (only with LETTERLOCK_FUZZ=1; built by `make fuzz` with --sanitize=fuzzer)
//
// Each folder under Fuzz/ is one libFuzzer target: a single file exporting
// LLVMFuzzerTestOneInput. They are left out of ordinary builds because libFuzzer
// supplies `main`, so they do not link without the sanitizer.

let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzPDQ", ["PerceptualHash"]),
    ("FuzzWireFormat", ["WireFormat"]),
    ("FuzzMLSMessage", ["MLS", "WireFormat"]),
    ("FuzzWelcome", ["MLS", "WireFormat"]),
    ("FuzzKeyPackage", ["MLS", "WireFormat"]),
    ("FuzzGroupInfo", ["MLS", "WireFormat"]),
    ("FuzzRatchetTree", ["MLS", "WireFormat"]),
    ("FuzzUpdatePath", ["MLS", "WireFormat"]),
    ("FuzzMessageProtection", ["MLS", "WireFormat"]),
    ("FuzzGroupState", ["MLS", "WireFormat"]),
    ("FuzzImageDecoding", ["ImageDecoding"]),
    ("FuzzExifOrientation", ["ImageDecoding"]),
    ("FuzzMLSFramingHeader", ["RelayAPI"]),
    ("FuzzCanonicalJSON", ["RelayJSON", "RelayAPI"]),
    ("FuzzHashBank", ["PerceptualHash"]),
    ("FuzzEnvelope", ["LetterlockEnvelope"] + crypto),
    ("FuzzConversationMessage", ["LetterlockKit"]),
    ("FuzzFileManifest", ["FileCipher"]),
    ("FuzzFileStream", ["FileCipher"] + crypto),
]
if ProcessInfo.processInfo.environment["LETTERLOCK_FUZZ"] == "1" {
    for fuzz in fuzzTargets {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fuzz/\(fuzz.name)")
        guard FileManager.default.fileExists(atPath: folder.path) else { continue }
        targets.append(.executableTarget(name: fuzz.name, dependencies: fuzz.dependencies, path: "Fuzz/\(fuzz.name)", swiftSettings: strictSettings))
    }
}

let package = Package(
    name: "letterlock",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "letterlock-conformance", targets: ["LetterlockConformance"]),
        .executable(name: "letterlock-hash", targets: ["LetterlockHash"]),
        .executable(name: "letterlock-bench", targets: ["LetterlockBench"]),
        .executable(name: "letterlock-relay", targets: ["LetterlockRelay"]),
        .executable(name: "letterlock", targets: ["Letterlock"]),
        .library(name: "MLS", targets: ["MLS"]),
        .library(name: "PerceptualHash", targets: ["PerceptualHash"]),
    ],
    dependencies: dependencies,
    targets: targets
)
