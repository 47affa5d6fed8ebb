// swift-tools-version:6.0
// EmbedQ: compact sentence embeddings in Swift. See docs/ARCHITECTURE.md for the module map.
import PackageDescription

let package = Package(
    name: "EmbedQ",
    products: [
        .library(name: "EmbedQ", targets: ["EmbedQ"]),
        .executable(name: "embedq", targets: ["embedq"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // ISA-specific inner loops (C, target attributes + runtime CPU detection). No dependencies.
        .target(name: "EmbeddingKernels"),
        // Float32 embeddings -> compact codes, calibration ranges, .npy interop.
        // No package dependencies; its hot loops call EmbeddingKernels.
        .target(name: "EmbeddingQuantization", dependencies: ["EmbeddingKernels"]),
        // Exact search over quantized embeddings: flat index, top-k, rescoring.
        .target(name: "EmbeddingSearch", dependencies: ["EmbeddingQuantization", "EmbeddingKernels"]),
        // Umbrella library product re-exporting every module.
        .target(name: "EmbedQ", dependencies: ["EmbeddingQuantization", "EmbeddingSearch"]),
        // The command-line tool.
        .executableTarget(
            name: "embedq",
            dependencies: [
                "EmbedQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The search benchmark's timing tool (scripts/bench-search.sh).
        .executableTarget(
            name: "embedq-bench",
            dependencies: ["EmbeddingSearch", "EmbeddingQuantization", "EmbeddingKernels"]
        ),
        .testTarget(name: "EmbeddingQuantizationTests", dependencies: ["EmbeddingQuantization"]),
        .testTarget(name: "EmbeddingSearchTests", dependencies: ["EmbeddingSearch"]),
    ],
    swiftLanguageModes: [.v6]
)
