// embedq-bench: times EmbedQ's exact search on the benchmark data (see scripts/bench-search.sh).
//
// Usage: embedq-bench search CORPUS.f32 QUERIES.f32 DIM K RUNS THREADS...
// Prints one JSON object per line (ms per query = median batch time ÷ query count), writes the
// top-k rows of each precision to embedq-<precision>-ids.i32 beside the corpus, and measures
// the read bandwidth of a buffer as large as the binary codes to give the single-query floor.
import ArgumentParser
import Dispatch
import EmbeddingKernels
import EmbeddingQuantization
import EmbeddingSearch
import Foundation

struct Failure: Error, CustomStringConvertible {
    let description: String
}

func readFloats(_ path: String, dimension: Int) throws -> EmbeddingMatrix {
    guard let file = fopen(path, "rb") else { throw Failure(description: "cannot open \(path)") }
    defer { fclose(file) }
    fseek(file, 0, SEEK_END)
    let bytes = ftell(file)
    fseek(file, 0, SEEK_SET)
    let count = bytes / 4
    let values = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
        initialized = fread(buffer.baseAddress, 4, count, file)
    }
    guard values.count == count, count % dimension == 0 else { throw Failure(description: "short read of \(path)") }
    return try EmbeddingMatrix(rowCount: count / dimension, dimension: dimension, values: values)
}

func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

/// Median seconds of `runs` timed calls after one warm-up call.
func medianSeconds(runs: Int, _ body: () throws -> Void) rethrows -> Double {
    try timed(runs: runs, body).seconds
}

/// Median seconds of `runs` timed calls after one warm-up call, and the cores the process kept
/// busy meanwhile (CPU time ÷ wall time: near the thread count unless other work competes).
func timed(runs: Int, _ body: () throws -> Void) rethrows -> (seconds: Double, cores: Double) {
    try body()
    var times = [Double]()
    let cpuStart = cpuSeconds()
    let wallStart = now()
    for _ in 0..<runs {
        let start = now()
        try body()
        times.append(now() - start)
    }
    let cores = (cpuSeconds() - cpuStart) / (now() - wallStart)
    return (times.sorted()[times.count / 2], cores)
}

func cpuSeconds() -> Double {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
    let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
    return user + system
}

func emit(_ fields: [String: Any]) {
    let data = try! JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])
    FileHandle.standardOutput.write(data + Data("\n".utf8))
}

func writeIDs(_ hits: SearchResults, to path: String) {
    var rows = hits.flatMap { $0.map { Int32($0.row) } }
    let data = Data(bytes: &rows, count: rows.count * 4)
    if !FileManager.default.createFile(atPath: path, contents: data) {
        FileHandle.standardError.write(Data("embedq-bench: cannot write \(path)\n".utf8))
    }
}

/// Read bandwidth in bytes per second over `bytes` bytes split across `threads` threads.
func readBandwidth(_ base: UnsafeRawPointer, bytes: Int, threads: Int, runs: Int) -> Double {
    nonisolated(unsafe) let pointer = base
    let pass = {
        DispatchQueue.concurrentPerform(iterations: threads) { part in
            let start = bytes * part / threads
            let end = bytes * (part + 1) / threads
            let sum = eq_read_bandwidth_probe(pointer.assumingMemoryBound(to: UInt8.self) + start, Int64(end - start))
            if sum == 0x5EED { print("") }  // keeps the sum alive
        }
    }
    if runs == 0 {  // one cold pass, no warm-up
        let start = now()
        pass()
        return Double(bytes) / (now() - start)
    }
    return Double(bytes) / medianSeconds(runs: runs, pass)
}

/// `embedq-bench search`: the search benchmark's EmbedQ side.
struct SearchBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Time exact search per precision (arguments: CORPUS.f32 QUERIES.f32 DIM K RUNS THREADS...).")

    @Argument(parsing: .captureForPassthrough, help: "CORPUS.f32 QUERIES.f32 DIM K RUNS THREADS...")
    var arguments: [String] = []

    func run() throws {
        try runSearchBenchmark(["search"] + arguments)
    }
}

func runSearchBenchmark(_ arguments: [String]) throws {
    guard arguments.count >= 7, let d = Int(arguments[3]), let k = Int(arguments[4]), let runs = Int(arguments[5]) else {
        throw Failure(description: "usage: embedq-bench search CORPUS.f32 QUERIES.f32 DIM K RUNS THREADS...")
    }
    let threadCounts = arguments[6...].compactMap { Int($0) }
    let directory = (arguments[1] as NSString).deletingLastPathComponent
    let corpus = try readFloats(arguments[1], dimension: d)
    let queries = try readFloats(arguments[2], dimension: d)
    let nq = Double(queries.rowCount)
    let maxThreads = threadCounts.max() ?? 1

    emit(["name": "kernels", "variant": FlatIndex.kernelVariant])

    // Binary (sign bits, Hamming distance).
    let bitQuantizer = EmbeddingQuantizer(precision: .ubinary)
    var start = now()
    let bits = try FlatIndex(try bitQuantizer.quantize(corpus))
    emit(["name": "build", "what": "binary (quantize + index)", "ms": (now() - start) * 1000])
    let queryBits = try bitQuantizer.quantize(queries)
    for threads in threadCounts {
        let (seconds, cores) = try timed(runs: runs) { _ = try bits.search(queryBits, k: k, threads: threads) }
        emit(["name": "embedq-binary", "threads": threads, "ms_per_query": seconds * 1000 / nq, "runs": runs, "cores_busy": cores])
    }
    writeIDs(try bits.search(queryBits, k: k, threads: maxThreads), to: directory + "/embedq-binary-ids.i32")

    // Single-query binary latency against the memory floor of the same number of bytes.
    let scanned = ((corpus.rowCount + 15) / 16) * 16 * ((d + 63) / 64) * 8
    let probe = UnsafeMutableRawPointer.allocate(byteCount: scanned, alignment: 64)
    probe.initializeMemory(as: UInt8.self, repeating: 1, count: scanned)
    defer { probe.deallocate() }
    let singles = try (0..<queryBits.rowCount).map { q in
        try QuantizedEmbeddings(precision: .ubinary, rowCount: 1, dimension: d, codes: Array(queryBits[row: q]))
    }
    for threads in threadCounts {
        // Steady state: the queries back to back, then the probe back to back over as many bytes.
        var latencies = [Double]()
        for single in singles {
            let start = now()
            _ = try bits.search(single, k: k, threads: threads)
            latencies.append(now() - start)
        }
        let latency = latencies.sorted()[latencies.count / 2]
        let bandwidth = readBandwidth(probe, bytes: scanned, threads: threads, runs: 15)
        emit([
            "name": "embedq-binary-single-query", "threads": threads, "ms_per_query": latency * 1000,
            "floor_ms": Double(scanned) / bandwidth * 1000, "bytes": scanned, "bandwidth_gbs": bandwidth / 1e9,
            "mode": "back to back",
        ])
        // Cold: probe passes and queries alternate, each evicting the other's bytes from the
        // caches, so both medians see cold caches and the same moment of the machine.
        var coldLatencies = [Double]()
        var probes = [Double]()
        for single in singles {
            probes.append(Double(scanned) / readBandwidth(probe, bytes: scanned, threads: threads, runs: 0))
            let start = now()
            _ = try bits.search(single, k: k, threads: threads)
            coldLatencies.append(now() - start)
        }
        let floor = probes.sorted()[probes.count / 2]
        emit([
            "name": "embedq-binary-single-query", "threads": threads,
            "ms_per_query": coldLatencies.sorted()[coldLatencies.count / 2] * 1000,
            "floor_ms": floor * 1000, "bytes": scanned, "bandwidth_gbs": Double(scanned) / floor / 1e9,
            "mode": "cold, interleaved with the probe",
        ])
    }

    // int8 (per-dimension min/max calibration on the corpus, exact integer dot products).
    let ranges = try Calibration.ranges(from: corpus)
    let int8Quantizer = EmbeddingQuantizer(precision: .int8, ranges: ranges)
    start = now()
    let int8Codes = try int8Quantizer.quantize(corpus)
    let int8 = try FlatIndex(int8Codes)
    emit(["name": "build", "what": "int8 (quantize + index)", "ms": (now() - start) * 1000])
    let queryInt8 = try int8Quantizer.quantize(queries)
    for threads in threadCounts {
        let (seconds, cores) = try timed(runs: runs) { _ = try int8.search(queryInt8, k: k, threads: threads) }
        emit(["name": "embedq-int8", "threads": threads, "ms_per_query": seconds * 1000 / nq, "runs": runs, "cores_busy": cores])
    }
    let int8Hits = try int8.search(queryInt8, k: k, threads: maxThreads)
    writeIDs(int8Hits, to: directory + "/embedq-int8-ids.i32")

    // Two stages: k × 4 candidates from the bits, rescored with the float query against int8.
    let rescoring = try RefineIndex(base: bits, codes: StoredCodes(int8Codes), multiplier: 4)
    for threads in threadCounts {
        let (seconds, cores) = try timed(runs: runs) { _ = try rescoring.search(queries, k: k, threads: threads) }
        emit(["name": "embedq-binary-rescore-int8", "threads": threads, "ms_per_query": seconds * 1000 / nq, "runs": runs, "cores_busy": cores])
    }
    let binaryHits = try bits.search(queryBits, k: k, threads: maxThreads)
    let rescoredHits = try rescoring.search(queries, k: k, threads: maxThreads)

    // float32 (exact dot products).
    start = now()
    let floats = try FlatIndex(corpus)
    emit(["name": "build", "what": "float32 (index)", "ms": (now() - start) * 1000])
    for threads in threadCounts {
        let (seconds, cores) = try timed(runs: runs) { _ = try floats.search(queries, k: k, threads: threads) }
        emit(["name": "embedq-float32", "threads": threads, "ms_per_query": seconds * 1000 / nq, "runs": runs, "cores_busy": cores])
    }
    let exact = try floats.search(queries, k: k, threads: maxThreads)
    writeIDs(exact, to: directory + "/embedq-float32-ids.i32")
    for (what, hits) in [("binary", binaryHits), ("binary + int8 rescoring x4", rescoredHits), ("int8", int8Hits)] {
        let found = zip(hits, exact).map { Set($0.map(\.row)).intersection($1.map(\.row)).count }.reduce(0, +)
        emit(["name": "recall", "what": what, "value": Double(found) / Double(exact.count * k)])
    }

    // DRAM read bandwidth over the float corpus (far larger than the caches), for reference.
    try corpus.values.withUnsafeBytes { raw in
        guard let base = raw.baseAddress else { throw Failure(description: "empty corpus") }
        for threads in threadCounts {
            let bandwidth = readBandwidth(base, bytes: raw.count, threads: threads, runs: 3)
            emit(["name": "dram-read-bandwidth", "threads": threads, "bytes": raw.count, "bandwidth_gbs": bandwidth / 1e9])
        }
    }
}
