// embedq-bench rabitq-scan: the 1-bit RaBitQ estimator scan against the Hamming scan of the same
// bits, one thread (see scripts/bench-rabitq-scan.sh).
//
// Usage: embedq-bench rabitq-scan [ROWS] [QUERIES] [RUNS]
// Random codes (fixed seed; the scan's speed does not depend on their values) of ROWS × 384
// dimensions: `ubinary` (48 B) for FlatIndex's Hamming scan, and the same bits with two factors
// (56 B) as `rabitq1` for RaBitQIndex. Prints ms per query (median of RUNS batches, k = 10) for
// Hamming (the batch in one call, and one query per call), the RaBitQ scan alone (4-bit query,
// estimates ranked), and the scan with error-bound candidates refined by the float query, with
// the ratios to both Hamming rows.
import ArgumentParser
import EmbeddingKernels
import EmbeddingQuantization
import EmbeddingSearch
import Foundation

struct RaBitQScanBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rabitq-scan", abstract: "Time the 1-bit RaBitQ scan against the Hamming scan (one thread).")

    @Argument(help: "Rows.") var rows = 1_000_000
    @Argument(help: "Queries per batch.") var queries = 100
    @Argument(help: "Timed batches (median).") var runs = 5

    func run() throws {
        let d = 384, k = 10
        var state: UInt64 = 0x5EED
        func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let planeBytes = d / 8
        var bits = [UInt8](repeating: 0, count: rows * planeBytes)
        for i in bits.indices { bits[i] = UInt8(truncatingIfNeeded: next()) }
        var rabitq = [UInt8](repeating: 0, count: rows * (planeBytes + 8))
        for row in 0..<rows {
            for j in 0..<planeBytes { rabitq[row * (planeBytes + 8) + j] = bits[row * planeBytes + j] }
            let scale = Float(0.8 + Double(next() % 1000) / 5000), error = Float(0.01)
            withUnsafeBytes(of: scale.bitPattern.littleEndian) { for (i, b) in $0.enumerated() { rabitq[row * (planeBytes + 8) + planeBytes + i] = b } }
            withUnsafeBytes(of: error.bitPattern.littleEndian) { for (i, b) in $0.enumerated() { rabitq[row * (planeBytes + 8) + planeBytes + 4 + i] = b } }
        }
        let queryValues = (0..<(queries * d)).map { _ in Float(Double(next() % 2001) / 1000 - 1) }
        let queryMatrix = try EmbeddingMatrix(rowCount: queries, dimension: d, values: queryValues)
        let rotation = try RaBitQRotation.random(dimension: d, seed: 1)
        let ranges = try QuantizationRanges(
            minimums: [Float](repeating: -1, count: d), maximums: [Float](repeating: 1, count: d), rotation: rotation)
        let hamming = try FlatIndex(QuantizedEmbeddings(precision: .ubinary, rowCount: rows, dimension: d, codes: bits))
        let index = try RaBitQIndex(QuantizedEmbeddings(precision: .rabitq1, rowCount: rows, dimension: d, codes: rabitq, ranges: ranges))
        let queryBits = try EmbeddingQuantizer(precision: .ubinary).quantize(queryMatrix)
        let table = eq_kernels()!.pointee
        let lookupKernel = String(cString: eq_rabitq_lookup_isa(eq_kernels()!, Int64(planeBytes / 8), 4))
        // Seconds of CPU per batch (wall × cores kept busy): robust when other work shares the machine.
        func cpu(_ measured: (seconds: Double, cores: Double)) -> Double { measured.seconds * min(measured.cores, 1) }
        let hammingTime = try cpu(timed(runs: runs) { _ = try hamming.search(queryBits, k: k, threads: 1) })
        // One query per call as well (a query that arrives alone).
        let single = (0..<queries).map { queryBits[row: $0] }
        let singleCodes = try single.map { try QuantizedEmbeddings(precision: .ubinary, rowCount: 1, dimension: d, codes: Array($0)) }
        let hammingSingle = try cpu(timed(runs: runs) { for codes in singleCodes { _ = try hamming.search(codes, k: k, threads: 1) } })
        let scanTime = try cpu(timed(runs: runs) {
            _ = try index.search(queryMatrix, k: k, parameters: RaBitQSearchParameters(refinement: .estimate), threads: 1)
        })
        var refined = 0
        let refineTime = try cpu(timed(runs: runs) {
            let results = try index.searchWithStatistics(queryMatrix, k: k, threads: 1)
            refined = results.reduce(0) { $0 + $1.statistics.candidatesRefined } / max(results.count, 1)
        })
        func ms(_ seconds: Double) -> String { String(format: "%.3f", 1000 * seconds / Double(queries)) }
        func ratio(_ seconds: Double, _ base: Double) -> String { String(format: "%.2f", seconds / base) }
        print("""
            rows \(rows) × \(d), \(queries) queries, k = \(k), one thread, median of \(runs); RaBitQ kernels: \(String(cString: table.rabitq_isa)), 1-bit lookups: \(lookupKernel), Hamming: \(String(cString: table.hamming_isa))
            CPU ms per query (wall time × the share of a core the process got)
            | scan | bytes/vector | ms/query | × Hamming (batch) | × Hamming (one query per call) |
            |---|---:|---:|---:|---:|
            | Hamming (ubinary, FlatIndex), all \(queries) queries in one call | 48 | \(ms(hammingTime)) | 1.00 | \(ratio(hammingTime, hammingSingle)) |
            | Hamming (ubinary, FlatIndex), one query per call | 48 | \(ms(hammingSingle)) | \(ratio(hammingSingle, hammingTime)) | 1.00 |
            | RaBitQ 1-bit, 4-bit query, estimates (64 queries per pass) | 56 | \(ms(scanTime)) | \(ratio(scanTime, hammingTime)) | \(ratio(scanTime, hammingSingle)) |
            | RaBitQ 1-bit, + float-query refinement (\(refined) candidates/query) | 56 | \(ms(refineTime)) | \(ratio(refineTime, hammingTime)) | \(ratio(refineTime, hammingSingle)) |
            """)
    }
}
