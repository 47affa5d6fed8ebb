import ArgumentParser

/// `embedq-bench`: EmbedQ's side of the benchmarks. The scripts in `scripts/` run it next to
/// the peers (NumPy / sentence-transformers, FAISS, USearch) on the same data and print the
/// comparison tables; it prints its own timings as JSON on standard output.
@main
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embedq-bench",
        abstract: "EmbedQ's side of the benchmarks (run through scripts/bench-*.sh).",
        subcommands: [
            QuantizeBenchmark.self, SearchBenchmark.self, AsymmetricBenchmark.self, RaBitQScanBenchmark.self, TokenizeBenchmark.self, FilterBenchmark.self, HNSWPrepareBenchmark.self,
            HNSWBenchmark.self, HNSWFilterBenchmark.self, CollectionBenchmark.self,
        ]
    )
}
