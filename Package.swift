// swift-tools-version:6.0
// EmbedQ: compact sentence embeddings in Swift. See docs/ARCHITECTURE.md for the module map.
import PackageDescription

let package = Package(
    name: "EmbedQ",
    // Products per layer (README "Products"): depend on the smallest one that does the job.
    products: [
        // Quantize, calibrate, .npy and ranges files. No BLAS, no encoder.
        .library(name: "EmbeddingQuantization", targets: ["EmbeddingQuantization"]),
        // Quantization + search (VectorIndex, flat / asymmetric / refine, row filters) + index
        // files. No BLAS, no encoder.
        .library(name: "EmbedQSearch", targets: ["EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore", "EmbeddingIndex", "EmbeddingCollection"]),
        // Text -> embeddings (OpenBLAS on Linux, Accelerate on Apple platforms).
        .library(name: "SentenceEncoder", targets: ["SentenceEncoder"]),
        // Ranking metrics and quantization reports over plain rankings. No search, no encoder.
        .library(name: "RetrievalEvaluation", targets: ["RetrievalEvaluation"]),
        // Everything, re-exported by `import EmbedQ`.
        .library(name: "EmbedQ", targets: ["EmbedQ"]),
        .executable(name: "embedq", targets: ["embedq"]),
        .executable(name: "embedq-bench", targets: ["embedq-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` (scripts/docs.sh); not linked into any product.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // What the running CPU can execute (one bitmask, detected once, capped by EMBEDQ_ISA);
        // every kernel target fills its dispatch table from it.
        .target(name: "CPUCapabilities"),
        // ISA-specific inner loops (C, target attributes + runtime CPU detection).
        .target(name: "EmbeddingKernels", dependencies: ["CPUCapabilities"]),
        // Float32 embeddings -> compact codes, calibration ranges, .npy interop.
        // No package dependencies; its hot loops call EmbeddingKernels.
        .target(name: "EmbeddingQuantization", dependencies: ["EmbeddingKernels"]),
        // The durable index file: format, memory mapping, add/delete/compact, crash safety.
        .target(name: "EmbeddingStore", dependencies: ["EmbeddingQuantization"]),
        // BEIR / MTEB dataset loading, ranking metrics (as pytrec_eval computes them) and the
        // quantization report (Markdown, JSON, self-contained HTML with SVG charts).
        // Takes plain rankings per query, so it needs no search or encoder module.
        .target(name: "RetrievalEvaluation", dependencies: ["EmbeddingQuantization"]),
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
        // portable builds chosen at run time (per-function target attributes, no package-wide compiler flags).
        .target(name: "SentenceEncoderKernels", dependencies: ["CPUCapabilities"]),
        // Exact search over quantized embeddings: flat index, top-k, rescoring.
        .target(name: "EmbeddingSearch", dependencies: ["EmbeddingQuantization", "EmbeddingKernels"]),
        // Index files searched: fast codes via EmbeddingSearch, rescoring rows read from the store.
        .target(name: "EmbeddingIndex", dependencies: ["EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore"]),
        // Collections that change: a directory of immutable segments, a write-ahead log, a
        // manifest, payloads with Qdrant-syntax filters, snapshot reads (docs/COLLECTIONS.md).
        .target(
            name: "EmbeddingCollection",
            dependencies: ["EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore", "EmbeddingIndex"]),
        // Text in, hits out: the encoder's output as an EmbeddingMatrix, texts encoded into an
        // index file, any VectorIndex searched with text (sync and async). Joins the encoder to
        // the search and the index files, which stay free of it.
        .target(
            name: "SemanticSearch",
            dependencies: ["EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore", "EmbeddingIndex", "SentenceEncoder"]
        ),
        // The quantization matrix on real data: encodes a BEIR dataset once (embeddings cached on
        // disk), quantizes, searches and scores every precision. Joins the encoder and the search
        // to RetrievalEvaluation, which stays free of both.
        .target(
            name: "QuantizationEvaluation",
            dependencies: ["EmbeddingQuantization", "EmbeddingSearch", "RetrievalEvaluation", "SentenceEncoder", "SemanticSearch"]
        ),
        // Umbrella library product re-exporting every module.
        .target(
            name: "EmbedQ",
            dependencies: [
                "EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore", "EmbeddingIndex", "EmbeddingCollection",
                "QuantizationEvaluation", "RetrievalEvaluation", "SentenceEncoder", "SemanticSearch",
            ]
        ),
        // The command-line tool.
        .executableTarget(
            name: "embedq",
            dependencies: [
                "EmbedQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // EmbedQ's side of the benchmarks; scripts/bench-*.sh run it beside the peers.
        .executableTarget(
            name: "embedq-bench",
            dependencies: [
                "EmbedQ",
                "EmbeddingKernels",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Shared by the test targets: seeded random generator, the location of ../shared.
        .target(name: "EmbedQTestSupport", path: "Tests/EmbedQTestSupport"),
        // The conformance suite every VectorIndex passes (brute force oracle, filters, ties,
        // threads); a target of its own so that later indexes' test targets reuse it.
        .target(
            name: "VectorIndexConformance", dependencies: ["EmbeddingSearch", "EmbedQTestSupport"],
            path: "Tests/VectorIndexConformance"),
        .testTarget(name: "CPUCapabilitiesTests", dependencies: ["CPUCapabilities"]),
        .testTarget(name: "EmbeddingQuantizationTests", dependencies: ["EmbeddingQuantization", "EmbedQTestSupport"]),
        .testTarget(name: "EmbeddingSearchTests", dependencies: ["EmbeddingSearch", "EmbedQTestSupport", "VectorIndexConformance"]),
        .testTarget(name: "EmbeddingStoreTests", dependencies: ["EmbeddingStore", "EmbedQTestSupport"]),
        .testTarget(name: "RetrievalEvaluationTests", dependencies: ["RetrievalEvaluation", "EmbedQTestSupport"]),
        .testTarget(name: "SentenceEncoderTests", dependencies: ["SentenceEncoder", "EmbedQTestSupport"]),
        .testTarget(
            name: "QuantizationEvaluationTests",
            dependencies: ["QuantizationEvaluation", "EmbedQTestSupport", "VectorIndexConformance"]),
        .testTarget(name: "EmbeddingIndexTests", dependencies: ["EmbeddingIndex", "EmbedQTestSupport", "VectorIndexConformance"]),
        .testTarget(name: "EmbeddingCollectionTests", dependencies: ["EmbeddingCollection", "EmbedQTestSupport"]),
        .testTarget(name: "SemanticSearchTests", dependencies: ["SemanticSearch", "EmbedQTestSupport"]),
        // Runs the built `embedq` executable end to end.
        .testTarget(name: "embedqTests", dependencies: ["embedq", "EmbedQTestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
