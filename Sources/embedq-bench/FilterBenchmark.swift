// embedq-bench: what a row filter costs in the scan (scripts/bench-filter.sh).
//
// Usage: embedq-bench filter CORPUS.f32 QUERIES.f32 DIM K RUNS
import ArgumentParser
import EmbedQ
import Foundation

/// `embedq-bench filter`: ms per query of a binary and an int8 flat search with no filter and
/// with allow-list filters of several selectivities, scattered (random rows) and contiguous
/// (a run of rows, whose other blocks the scan skips), one thread. Prints JSON lines.
struct FilterBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "filter",
        abstract: "Time flat search with row filters of several selectivities (arguments: CORPUS.f32 QUERIES.f32 DIM K RUNS).")

    @Argument(parsing: .captureForPassthrough, help: "CORPUS.f32 QUERIES.f32 DIM K RUNS")
    var arguments: [String] = []

    func run() throws {
        guard arguments.count == 5, let d = Int(arguments[2]), let k = Int(arguments[3]), let runs = Int(arguments[4]) else {
            throw Failure(description: "usage: embedq-bench filter CORPUS.f32 QUERIES.f32 DIM K RUNS")
        }
        let corpus = try readFloats(arguments[0], dimension: d)
        let queries = try readFloats(arguments[1], dimension: d)
        let n = corpus.rowCount
        let ranges = try Calibration.ranges(from: corpus)
        let indexes: [(String, FlatIndex)] = [
            ("binary", try FlatIndex(try EmbeddingQuantizer(precision: .ubinary).quantize(corpus))),
            ("int8", try FlatIndex(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus))),
        ]
        var generator = SystemRandomNumberGenerator()
        var filters: [(String, Double, RowFilter?)] = [("none", 1, nil)]
        for fraction in [0.5, 0.1, 0.01, 0.001] {
            let scattered = (0..<n).filter { _ in Double.random(in: 0..<1, using: &generator) < fraction }
            filters.append(("scattered", fraction, .allowing(rows: scattered, rowCount: n)))
            filters.append(("contiguous", fraction, .allowing(rows: 0..<Int(Double(n) * fraction), rowCount: n)))
        }
        emit(["name": "kernels", "variant": FlatIndex.kernelVariant])
        for (precision, index) in indexes {
            for (layout, fraction, filter) in filters {
                let (seconds, _) = try timed(runs: runs) { _ = try index.search(queries, k: k, filter: filter, threads: 1) }
                emit(["name": "embedq-\(precision)", "filter": layout, "selectivity": fraction,
                      "ms_per_query": seconds * 1000 / Double(queries.rowCount), "runs": runs])
            }
        }
    }
}
