// swift-tools-version:6.1
// 6.1: package traits (Hummingbird is used without its swift-configuration support).
// EmbedQ: compact sentence embeddings in Swift. See docs/ARCHITECTURE.md for the module map.
import PackageDescription

let package = Package(
    name: "EmbedQ",
    // Products per layer (README "Products"): depend on the smallest one that does the job.
    products: [
        // Quantize, calibrate, .npy and ranges files. No BLAS, no encoder.
        .library(name: "EmbeddingQuantization", targets: ["EmbeddingQuantization"]),
        // Quantization + search (VectorIndex, flat / asymmetric / refine, HNSW graphs, row
        // filters) + index files + collections. No BLAS, no encoder.
        .library(
            name: "EmbedQSearch",
            targets: [
                "EmbeddingQuantization", "EmbeddingSearch", "EmbeddingGraph", "EmbeddingStore", "EmbeddingIndex",
                "EmbeddingCollection",
            ]),
        // Text -> embeddings (OpenBLAS on Linux, Accelerate on Apple platforms).
        .library(name: "SentenceEncoder", targets: ["SentenceEncoder"]),
        // Ranking metrics and quantization reports over plain rankings. No search, no encoder.
        .library(name: "RetrievalEvaluation", targets: ["RetrievalEvaluation"]),
        // Everything, re-exported by `import EmbedQ`.
        .library(name: "EmbedQ", targets: ["EmbedQ"]),
        // The HTTP server, a product of its own so that library users who do not serve never
        // build Hummingbird and SwiftNIO.
        .library(name: "EmbedQServer", targets: ["EmbedQServer"]),
        .executable(name: "embedq", targets: ["embedq"]),
        .executable(name: "embedq-bench", targets: ["embedq-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // `swift package generate-documentation` (scripts/docs.sh); not linked into any product.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The server's dependencies (EmbedQServer only).
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
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
        // Approximate search: HNSW graphs over compact codes (their own distance kernels), built in
        // parallel and reproducibly, stored as checksummed memory-mappable sections; a VectorIndex.
        .target(name: "EmbeddingGraph", dependencies: ["EmbeddingQuantization", "EmbeddingSearch", "EmbeddingKernels", "EmbeddingStore"]),
        // Index files searched: fast codes via EmbeddingSearch (or their graph file via EmbeddingGraph),
        // rescoring rows read from the store.
        .target(name: "EmbeddingIndex", dependencies: ["EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore", "EmbeddingGraph"]),
        // Collections that change: a directory of immutable segments (each with its HNSW graph
        // when the collection has one), a write-ahead log, a manifest, payloads with
        // Qdrant-syntax filters, snapshot reads (docs/COLLECTIONS.md).
        .target(
            name: "EmbeddingCollection",
            dependencies: ["EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore", "EmbeddingGraph", "EmbeddingIndex"]),
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
            dependencies: [
                "EmbeddingQuantization", "EmbeddingSearch", "RetrievalEvaluation", "SentenceEncoder", "SemanticSearch",
                "EmbeddingTraining",
            ]
        ),
        // Quantization-aware training of a projection head on frozen float embeddings
        // (listwise distillation, straight-through quantizers, AdamW), PCA and ITQ heads.
        .target(name: "EmbeddingTraining", dependencies: ["EmbeddingQuantization"]),
        // The streaming mode: JSON lines {"id", "text"} in, one vector / codes / error line out per
        // input line, in order, batch by batch (what `embedq embed --stream` and Spark's RDD.pipe drive).
        .target(name: "EmbeddingStream", dependencies: ["EmbeddingQuantization", "SentenceEncoder", "EmbeddingCollection"]),
        // Umbrella library product re-exporting every module.
        .target(
            name: "EmbedQ",
            dependencies: [
                "EmbeddingQuantization", "EmbeddingSearch", "EmbeddingGraph", "EmbeddingStore", "EmbeddingIndex",
                "QuantizationEvaluation", "RetrievalEvaluation", "SentenceEncoder", "SemanticSearch", "EmbeddingTraining",
                "EmbeddingStream", "EmbeddingCollection",
            ]
        ),
        // `embedq serve`: the HTTP API (Hummingbird 2) over the encoder and the quantizer —
        // OpenAI / Cohere-shaped embeddings, dynamic batching, limits, metrics, OpenAPI document.
        // Not re-exported by the EmbedQ umbrella.
        .target(
            name: "EmbedQServer",
            dependencies: [
                "EmbeddingQuantization", "EmbeddingSearch", "EmbeddingStore", "EmbeddingIndex", "SentenceEncoder",
                "EmbeddingGraph", "EmbeddingCollection",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ]
        ),
        // The command-line tool.
        .executableTarget(
            name: "embedq",
            dependencies: [
                "EmbedQ",
                "EmbedQServer",
                .product(name: "Logging", package: "swift-log"),
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
        .testTarget(
            name: "EmbeddingGraphTests",
            dependencies: ["EmbeddingGraph", "EmbeddingKernels", "CPUCapabilities", "EmbedQTestSupport", "VectorIndexConformance"]),
        .testTarget(name: "EmbeddingStoreTests", dependencies: ["EmbeddingStore", "EmbedQTestSupport"]),
        .testTarget(name: "RetrievalEvaluationTests", dependencies: ["RetrievalEvaluation", "EmbedQTestSupport"]),
        .testTarget(name: "SentenceEncoderTests", dependencies: ["SentenceEncoder", "EmbedQTestSupport"]),
        .testTarget(
            name: "QuantizationEvaluationTests",
            dependencies: ["QuantizationEvaluation", "EmbedQTestSupport", "VectorIndexConformance"]),
        .testTarget(name: "EmbeddingIndexTests", dependencies: ["EmbeddingIndex", "EmbeddingGraph", "EmbedQTestSupport", "VectorIndexConformance"]),
        .testTarget(name: "EmbeddingCollectionTests", dependencies: ["EmbeddingCollection", "EmbeddingGraph", "EmbedQTestSupport"]),
        .testTarget(name: "SemanticSearchTests", dependencies: ["SemanticSearch", "EmbedQTestSupport"]),
        .testTarget(name: "EmbeddingTrainingTests", dependencies: ["EmbeddingTraining", "EmbedQTestSupport"]),
        .testTarget(name: "EmbeddingStreamTests", dependencies: ["EmbeddingStream", "EmbeddingCollection", "EmbedQTestSupport"]),
        .testTarget(
            name: "EmbedQServerTests",
            dependencies: [
                "EmbedQServer", "EmbedQTestSupport", "SentenceEncoder", "EmbeddingQuantization", "EmbeddingSearch",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
        // Runs the built `embedq` executable end to end.
        .testTarget(
            name: "embedqTests",
            dependencies: [
                "embedq", "EmbedQTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
