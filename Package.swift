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
        // Float32 embeddings -> compact codes, calibration ranges, .npy interop. No dependencies.
        .target(name: "EmbeddingQuantization"),
        // CBLAS (OpenBLAS) for the encoder's matrix multiplications. On Apple platforms the encoder
        // uses Accelerate instead and never imports this module.
        .systemLibrary(
            name: "CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        // Text -> float32 sentence embeddings: model folder loading, WordPiece, BERT, pooling.
        .target(
            name: "SentenceEncoder",
            dependencies: [
                "SentenceEncoderKernels",
                .target(name: "CBLAS", condition: .when(platforms: [.linux, .android, .windows, .openbsd])),
            ]
        ),
        // C kernels: packed-weight linear layers, GELU, softmax, layer norm; AVX-512 / AVX2 /
        // portable builds chosen at run time (per-function target attributes, no unsafeFlags).
        .target(name: "SentenceEncoderKernels"),
        // Umbrella library product re-exporting every module.
        .target(name: "EmbedQ", dependencies: ["EmbeddingQuantization", "SentenceEncoder"]),
        // The command-line tool.
        .executableTarget(
            name: "embedq",
            dependencies: [
                "EmbedQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(name: "EmbeddingQuantizationTests", dependencies: ["EmbeddingQuantization"]),
        .testTarget(name: "SentenceEncoderTests", dependencies: ["SentenceEncoder"]),
    ],
    swiftLanguageModes: [.v6]
)
