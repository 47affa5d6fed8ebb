// embedq-bench: EmbedQ's side of the HNSW benchmark (scripts/bench-hnsw.sh).
//
//   embedq-bench hnsw-prepare --corpus C.f32 --queries Q.f32 --dimension D --out DIR
//       the benchmark's codes (ubinary, int8) and the exact top k on each and on float32
//   embedq-bench hnsw --codes DIR --precision ubinary|int8 [--m 16] [--ef-construction 128]
//       [--build-threads T] [--search-threads 1,2] [--efs 16,32,64] [--k 10] [--runs 3] --ids PREFIX
//       builds the graph, then searches every query at each ef; JSON lines on standard output
//   embedq-bench hnsw-filter --codes DIR --precision ubinary [...]
//       the graph walk against the exact scan of the allowed rows at several selectivities
import ArgumentParser
import EmbedQ
import Foundation

/// Raw files of the benchmark's codes and queries (`DIR/codes-P.bin`, `DIR/queries-P.bin`).
enum HNSWBenchmarkFiles {
    static func codes(_ directory: String, _ precision: Precision) -> String { "\(directory)/codes-\(precision.rawValue).bin" }
    static func queries(_ directory: String, _ precision: Precision) -> String { "\(directory)/queries-\(precision.rawValue).bin" }
    static func truthIDs(_ directory: String, _ precision: Precision) -> String { "\(directory)/truth-\(precision.rawValue)-ids.i32" }
    static func truthScores(_ directory: String, _ precision: Precision) -> String { "\(directory)/truth-\(precision.rawValue)-scores.f64" }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw Failure(description: "cannot write \(path)")
        }
    }

    static func read(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "cannot read \(path)") }
        return [UInt8](data)
    }

    static func load(_ directory: String, _ precision: Precision, dimension: Int, queries: Bool) throws -> QuantizedEmbeddings {
        let bytes = try read(queries ? Self.queries(directory, precision) : codes(directory, precision))
        let width = precision.bytesPerVector(dimension: dimension)
        return try QuantizedEmbeddings(precision: precision, rowCount: bytes.count / width, dimension: dimension, codes: bytes)
    }
}

/// `embedq-bench hnsw-prepare`: codes and exact answers for the HNSW benchmark.
struct HNSWPrepareBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hnsw-prepare", abstract: "Quantize the benchmark data and compute the exact top k (HNSW benchmark).")

    @Option(help: "Corpus, raw float32 (n × dimension).") var corpus: String
    @Option(help: "Queries, raw float32.") var queries: String
    @Option(help: "Dimensions per vector.") var dimension = 384
    @Option(help: "Hits per query.") var k = 10
    @Option(help: "Output folder.") var out: String

    func run() throws {
        let corpus = try readFloats(self.corpus, dimension: dimension)
        let queries = try readFloats(self.queries, dimension: dimension)
        let ranges = try Calibration.ranges(from: corpus)
        for precision in [Precision.ubinary, .int8] {
            let quantizer = EmbeddingQuantizer(precision: precision, ranges: precision == .int8 ? ranges : nil)
            let codes = try quantizer.quantize(corpus), queryCodes = try quantizer.quantize(queries)
            try HNSWBenchmarkFiles.write(codes.codes, to: HNSWBenchmarkFiles.codes(out, precision))
            try HNSWBenchmarkFiles.write(queryCodes.codes, to: HNSWBenchmarkFiles.queries(out, precision))
            try writeTruth(try FlatIndex(codes).search(queryCodes, k: k), precision)
        }
        try writeTruth(try FlatIndex(corpus).search(queries, k: k), .float32)
        emit(["name": "prepared", "rows": corpus.rowCount, "queries": queries.rowCount])
    }

    private func writeTruth(_ results: SearchResults, _ precision: Precision) throws {
        var ids = results.flatMap { $0.map { Int32($0.row) } }
        var scores = results.flatMap { $0.map(\.score) }
        try Data(bytes: &ids, count: ids.count * 4).write(to: URL(fileURLWithPath: HNSWBenchmarkFiles.truthIDs(out, precision)))
        try Data(bytes: &scores, count: scores.count * 8).write(to: URL(fileURLWithPath: HNSWBenchmarkFiles.truthScores(out, precision)))
    }
}

/// `embedq-bench hnsw`: build time, bytes, peak memory and the ef sweep of one EmbedQ graph.
struct HNSWBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hnsw", abstract: "Build an HNSW graph on the benchmark codes and sweep ef (HNSW benchmark).")

    @Option(help: "Folder of hnsw-prepare.") var codes: String
    @Option(help: "ubinary or int8.") var precision: String = "ubinary"
    @Option(help: "Dimensions per vector.") var dimension = 384
    @Option(help: "HNSW M.") var m = 16
    @Option(help: "HNSW ef_construction.") var efConstruction = 128
    @Option(help: "Build threads.") var buildThreads = 1
    @Option(help: "Search thread counts, comma-separated.") var searchThreads = "1,2"
    @Option(help: "ef values, comma-separated.") var efs = "10,16,24,32,48,64,96,128,192,256"
    @Option(help: "Hits per query.") var k = 10
    @Option(help: "Timed runs per point (median).") var runs = 3
    @Option(help: "Prefix of the ids files (PREFIX-ef<ef>.i32).") var ids: String?
    @Option(help: "Read the graph from this file when it exists (no build), else write it there after the build.") var graph: String?

    func run() throws {
        guard let precision = Precision(rawValue: precision) else { throw Failure(description: "unknown precision \(self.precision)") }
        let corpus = try HNSWBenchmarkFiles.load(codes, precision, dimension: dimension, queries: false)
        let queries = try HNSWBenchmarkFiles.load(codes, precision, dimension: dimension, queries: true)
        let parameters = HNSWParameters(connectivity: m, efConstruction: efConstruction)
        var index: HNSWIndex!
        if let graph, FileManager.default.fileExists(atPath: graph) {
            index = try HNSWIndex(graph: try HNSWGraph(mapping: try MemoryMappedFile(path: graph)), codes: corpus)
        }
        let cpuBefore = cpuSeconds()
        let buildSeconds = index != nil ? 0 : try Timing.seconds {
            index = try HNSWIndex(codes: corpus, parameters: parameters, threads: buildThreads)
        }
        let buildCPU = cpuSeconds() - cpuBefore
        if let graph, !FileManager.default.fileExists(atPath: graph) {
            try HNSWBenchmarkFiles.write(index.graph.serialized(), to: graph)
        }
        emit([
            "system": "embedq", "precision": precision.rawValue, "event": "build", "rows": corpus.rowCount,
            "build_threads": buildThreads, "build_seconds": buildSeconds, "build_cpu_seconds": buildCPU, "index_bytes": index.byteCount,
            "graph_bytes": index.graph.byteCount, "peak_rss_bytes": peakResidentBytes(), "kernel": index.kernelVariant,
            "m": m, "ef_construction": efConstruction,
        ])
        let threadCounts = searchThreads.split(separator: ",").compactMap { Int($0) }
        for threads in threadCounts {
            for ef in efs.split(separator: ",").compactMap({ Int($0) }) {
                let parameters = SearchParameters(threads: threads, ef: ef)
                var results: SearchResults!
                let (seconds, cores) = try timed(runs: runs) { results = try index.search(queries, k: k, parameters: parameters) }
                emit([
                    "system": "embedq", "precision": precision.rawValue, "event": "search", "build_threads": buildThreads,
                    "threads": threads, "ef": ef, "qps": Double(queries.rowCount) / seconds, "cores_busy": cores,
                    "cpu_us_per_query": cores * seconds * 1e6 / Double(queries.rowCount),
                ])
                if let ids, threads == threadCounts[0] { writeIDs(results, to: "\(ids)-ef\(ef).i32") }
            }
        }
        emit(["system": "embedq", "precision": precision.rawValue, "event": "done", "peak_rss_bytes": peakResidentBytes()])
    }
}

/// `embedq-bench hnsw-filter`: ms per query and recall of the graph walk and of the exact scan
/// of the allowed rows, at several selectivities (scattered allow-lists): where the automatic
/// switch to the exact scan belongs.
struct HNSWFilterBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hnsw-filter", abstract: "Filtered HNSW search: graph walk vs exact scan by selectivity.")

    @Option(help: "Folder of hnsw-prepare.") var codes: String
    @Option(help: "ubinary or int8.") var precision: String = "ubinary"
    @Option(help: "Dimensions per vector.") var dimension = 384
    @Option(help: "HNSW M.") var m = 16
    @Option(help: "HNSW ef_construction.") var efConstruction = 128
    @Option(help: "Build threads.") var buildThreads = 2
    @Option(help: "ef of the walk.") var ef = 64
    @Option(help: "Hits per query.") var k = 10
    @Option(help: "Selectivities, comma-separated.") var selectivities = "0.5,0.2,0.1,0.05,0.02,0.01,0.005,0.002,0.001"

    func run() throws {
        guard let precision = Precision(rawValue: precision) else { throw Failure(description: "unknown precision \(self.precision)") }
        let corpus = try HNSWBenchmarkFiles.load(codes, precision, dimension: dimension, queries: false)
        let queries = try HNSWBenchmarkFiles.load(codes, precision, dimension: dimension, queries: true)
        let built = try HNSWIndex(codes: corpus, parameters: HNSWParameters(connectivity: m, efConstruction: efConstruction), threads: buildThreads)
        var walk = built, scan = built
        walk.exactScanSelectivity = 0
        scan.exactScanSelectivity = 1.0001
        let n = corpus.rowCount
        for fraction in selectivities.split(separator: ",").compactMap({ Double($0) }) {
            // A fixed pseudo-random subset: row r is allowed when a hash of r falls below the fraction.
            let rows = (0..<n).filter { row in
                var z = UInt64(row) &* 0x9E37_79B9_7F4A_7C15 &+ 0xF11
                z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
                z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
                return Double((z ^ (z >> 31)) >> 11) * 0x1p-53 < fraction
            }
            let filter = RowFilter.allowing(rows: rows, rowCount: n)
            let parameters = SearchParameters(filter: filter, threads: 1, ef: ef)
            var exact: SearchResults!, approximate: SearchResults!
            let (scanSeconds, _) = try timed(runs: 1) { exact = try scan.search(queries, k: k, parameters: parameters) }
            let (walkSeconds, _) = try timed(runs: 1) { approximate = try walk.search(queries, k: k, parameters: parameters) }
            emit([
                "system": "embedq", "precision": precision.rawValue, "event": "filter", "selectivity": fraction,
                "allowed_rows": rows.count, "ef": ef, "scan_ms": scanSeconds * 1000 / Double(queries.rowCount),
                "walk_ms": walkSeconds * 1000 / Double(queries.rowCount), "walk_recall": recall(approximate, exact, k: k),
            ])
        }
    }

    /// Recall@k with ties counted (a hit scoring at least as well as the k-th exact hit counts).
    private func recall(_ found: SearchResults, _ exact: SearchResults, k: Int) -> Double {
        var hits = 0, total = 0
        for q in 0..<exact.count {
            guard let last = exact[q].prefix(k).last else { continue }
            total += exact[q].prefix(k).count
            hits += found[q].prefix(k).filter { exact.metric.higherIsBetter ? $0.score >= last.score : $0.score <= last.score }.count
        }
        return total == 0 ? 1 : Double(hits) / Double(total)
    }
}

/// The process's peak resident memory in bytes (`ru_maxrss`, kilobytes on Linux, bytes on Apple platforms).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    #if os(Linux)
    return Int(usage.ru_maxrss) * 1024
    #else
    return Int(usage.ru_maxrss)
    #endif
}
