// embedq-bench asymmetric: times the asymmetric full scans (float queries × codes) against the
// symmetric int8 × int8 and Hamming scans of the same corpus, one thread (see
// scripts/bench-asymmetric.sh).
//
// Usage: embedq-bench asymmetric CORPUS.f32 QUERIES.f32 DIM K RUNS [QUERIES_USED]
// Prints one JSON object per line: {"name", "threads": 1, "ms_per_query", "runs", "queries"}.
// QUERIES_USED (default: all) limits the queries, for slow variants (EMBEDQ_ISA=portable).
import ArgumentParser
import EmbeddingQuantization
import EmbeddingSearch

/// `embedq-bench asymmetric`: the asymmetric scan rows of the search benchmark.
struct AsymmetricBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "asymmetric",
        abstract: "Time asymmetric full scans, one thread (arguments: CORPUS.f32 QUERIES.f32 DIM K RUNS [QUERIES_USED]).")

    @Argument(parsing: .captureForPassthrough, help: "CORPUS.f32 QUERIES.f32 DIM K RUNS [QUERIES_USED]")
    var arguments: [String] = []

    func run() throws {
        let a = arguments
        guard a.count >= 5, let d = Int(a[2]), let k = Int(a[3]), let runs = Int(a[4]) else {
            throw Failure(description: "usage: embedq-bench asymmetric CORPUS.f32 QUERIES.f32 DIM K RUNS [QUERIES_USED]")
        }
        let corpus = try readFloats(a[0], dimension: d)
        var queries = try readFloats(a[1], dimension: d)
        if a.count >= 6, let used = Int(a[5]), used < queries.rowCount {
            queries = try EmbeddingMatrix(rowCount: used, dimension: d, values: Array(queries.values.prefix(used * d)))
        }
        let nq = Double(queries.rowCount)
        emit(["name": "kernels", "symmetric": FlatIndex.kernelVariant, "asymmetric": AsymmetricIndex.kernelVariantName,
              "lookup": AsymmetricIndex.lookupVariantName])
        let ranges = try Calibration.ranges(from: corpus)
        func time(_ name: String, _ body: () throws -> Void) rethrows {
            let (seconds, cores) = try timed(runs: runs, body)
            emit(["name": name, "threads": 1, "ms_per_query": seconds * 1000 / nq, "runs": runs,
                  "queries": queries.rowCount, "cores_busy": cores])
        }

        // The symmetric baselines: int8 × int8 (exact integer dot products) and Hamming.
        for precision in [Precision.int8, .ubinary] {
            let quantizer = EmbeddingQuantizer(precision: precision, ranges: ranges)
            let codes = try quantizer.quantize(corpus)
            let index = try FlatIndex(codes)
            let queryCodes = try quantizer.quantize(queries)
            try time(precision == .int8 ? "embedq-int8-x-int8" : "embedq-hamming") {
                _ = try index.search(queryCodes, k: k, threads: 1)
            }
        }
        // Float queries × codes (AsymmetricIndex: the blocked asymmetric kernels).
        for precision in [Precision.int4, .ternary, .ubinary, .int8] {
            let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus)
            let index = try AsymmetricIndex(StoredCodes(codes))
            let name = precision == .ubinary ? "bits" : precision.rawValue
            try time("embedq-float-x-\(name)") { _ = try index.search(queries, k: k, threads: 1) }
            // The kernels' top-k against an exhaustive scan with the row-at-a-time scorer (2 queries).
            let stored = StoredCodes(codes)
            let width = stored.bytesPerVector
            var identical = 0
            let checked = Swift.min(2, queries.rowCount)
            let found = try index.search(try EmbeddingMatrix(
                rowCount: checked, dimension: d, values: Array(queries.values.prefix(checked * d))), k: k, threads: 1)
            for q in 0..<checked {
                let scorer = try AsymmetricScorer(query: Array(queries[row: q]), codes: stored)
                let scores = codes.codes.withUnsafeBytes { all in
                    (0..<codes.rowCount).map { scorer.score(UnsafeRawBufferPointer(rebasing: all[($0 * width)..<(($0 + 1) * width)])) }
                }
                let best = scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(k)
                if found.hits[q].map(\.row) == Array(best), found.hits[q].map({ Float($0.score) }) == best.map({ scores[$0] }) {
                    identical += 1
                }
            }
            emit(["name": "check", "what": "float-x-\(name) top-\(k) identical to an exhaustive scorer scan",
                  "queries": checked, "identical": identical])
        }
    }
}
