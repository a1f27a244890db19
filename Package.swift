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
    .systemLibrary(name: "CWebP", pkgConfig: "libwebp", providers: [.apt(["libwebp-dev"])]),
    .target(name: "ImageDecoding", dependencies: ["CJPEG", "CPNG", "CWebP"], swiftSettings: strictSettings),
    .target(name: "PerceptualHash", dependencies: ["ImageDecoding"] + crypto, swiftSettings: hotLoopSettings),
    .executableTarget(
        name: "LetterlockHash",
        dependencies: ["PerceptualHash", "ImageDecoding", argumentParser],
        swiftSettings: strictSettings
    ),
    .testTarget(name: "ImageDecodingTests", dependencies: ["ImageDecoding", "TestVectors"], swiftSettings: strictSettings),
    .testTarget(name: "PerceptualHashTests", dependencies: ["PerceptualHash", "ImageDecoding", "TestVectors"], swiftSettings: strictSettings),
]

// MARK: - Benchmarks (every area adds a subcommand file)

targets += [
    .executableTarget(
        name: "LetterlockBench",
        dependencies: ["MLS", "PerceptualHash", "ImageDecoding", argumentParser] + crypto,
        swiftSettings: hotLoopSettings
    )
]

// MARK: - Fuzz targets (only with LETTERLOCK_FUZZ=1; built by `make fuzz` with --sanitize=fuzzer)
//
// Each folder under Fuzz/ is one libFuzzer target: a single file exporting
// LLVMFuzzerTestOneInput. They are left out of ordinary builds because libFuzzer
// supplies `main`, so they do not link without the sanitizer.

let fuzzTargets: [(name: String, dependencies: [Target.Dependency])] = [
    ("FuzzWireFormat", ["WireFormat"]),
    ("FuzzMLSMessage", ["MLS", "WireFormat"]),
    ("FuzzWelcome", ["MLS", "WireFormat"]),
    ("FuzzKeyPackage", ["MLS", "WireFormat"]),
    ("FuzzGroupInfo", ["MLS", "WireFormat"]),
    ("FuzzRatchetTree", ["MLS", "WireFormat"]),
    ("FuzzMessageProtection", ["MLS", "WireFormat"]),
    ("FuzzImageDecoding", ["ImageDecoding"]),
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
        .library(name: "MLS", targets: ["MLS"]),
        .library(name: "PerceptualHash", targets: ["PerceptualHash"]),
    ],
    dependencies: dependencies,
    targets: targets
)
