import EmbedQTestSupport
import EmbeddingKernels
import EmbeddingQuantization
import XCTest
@testable import EmbeddingSearch

/// The RaBitQ kernels (every variant the CPU runs) against a plain-Swift reference at odd
/// dimensions, and RaBitQIndex against brute force.
final class RaBitQSearchTests: XCTestCase {
    static let dimensions = [1, 7, 63, 64, 65, 130, 383, 384]

    /// The scan's estimate recomputed from the blocked words in Swift: integer parts exact, the
    /// float epilogue in the kernels' order.
    private func referenceScan(
        blocks: [UInt64], rows: Int, planeWords: Int, bits: Int, query: [UInt64], queryBits: Int,
        scales: [Float], delta: Float, low: Float, bias: Float
    ) -> [Float] {
        (0..<rows).map { row in
            let block = row / 16, lane = row % 16
            var dot = 0, sum = 0
            for a in 0..<bits {
                for j in 0..<planeWords {
                    let x = blocks[((block * bits + a) * planeWords + j) * 16 + lane]
                    sum += x.nonzeroBitCount << a
                    for b in 0..<queryBits { dot += (x & query[b * planeWords + j]).nonzeroBitCount << (a + b) }
                }
            }
            let inner = delta * Float(dot) + low * Float(sum)
            return scales[row] * (inner + bias)
        }
    }

    func testScanEveryVariantMatchesReferenceAtOddDimensions() {
        let variants = KernelTable.availableLevels.map(\.table)
        XCTAssertEqual(String(cString: variants[0].rabitq_isa), "portable")
        var generator = SeededGenerator(seed: 31)
        for d in Self.dimensions {
            let planeWords = (d + 63) / 64
            for bits in 1...4 {
                for queryBits in [1, 4, 8] {
                    let rows = 37, blockCount = 3
                    let blocks = (0..<(blockCount * 16 * bits * planeWords)).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
                    let query = (0..<(queryBits * planeWords)).map { _ in UInt64.random(in: .min ... .max, using: &generator) }
                    let scales = (0..<(blockCount * 16)).map { _ in Float.random(in: -2...2, using: &generator) }
                    let (delta, low, bias) = (Float(0.013), Float(-0.11), Float(-3.7))
                    let expected = referenceScan(
                        blocks: blocks, rows: rows, planeWords: planeWords, bits: bits, query: query, queryBits: queryBits,
                        scales: scales, delta: delta, low: low, bias: bias)
                    for variant in variants {
                        var out = [Float](repeating: .nan, count: blockCount * 16)
                        variant.rabitq_scan(blocks, Int64(blockCount), Int64(planeWords), Int32(bits), query, Int32(queryBits), scales, delta, low, bias, &out)
                        XCTAssertEqual(Array(out.prefix(rows)), expected, "\(String(cString: variant.rabitq_isa)) d=\(d) bits=\(bits) qb=\(queryBits)")
                    }
                }
            }
        }
    }

    /// The 1-bit scan by lookups (`eq_rabitq_scan_lookup`, every lookup variant the CPU runs, the
    /// 7-bit windows included, several queries per call) equals the reference scan bit for bit:
    /// calls of 4-bit queries (windows where the CPU has AVX-512 VBMI) and of 5-bit ones
    /// (nibbles), random and all-set codes (the largest sums), odd dimensions and block counts.
    func testLookupScanEveryVariantMatchesReference() {
        let variants = KernelTable.availableLevels
        XCTAssertEqual(variants[0].asymmetricLookupVariant, "portable")
        var generator = SeededGenerator(seed: 33)
        var windowsChecked = 0
        for d in Self.dimensions + [385, 1000] {
            let planeWords = (d + 63) / 64
            for (blockCount, allSet) in [(1, false), (3, false), (5, true), (8, false), (17, false)] {
                let rows = blockCount * 16 - 3
                // Bits past d are zero, as RaBitQIndex lays them out.
                var blocks = [UInt64](repeating: 0, count: blockCount * 16 * planeWords)
                for block in 0..<blockCount {
                    for j in 0..<planeWords {
                        var valid: UInt64 = 0
                        for i in (64 * j)..<Swift.min(64 * j + 64, d) { valid |= 1 << UInt64(((i >> 3) & 7) * 8 + 7 - (i & 7)) }
                        for lane in 0..<16 {
                            blocks[(block * planeWords + j) * 16 + lane] = (allSet ? .max : UInt64.random(in: .min ... .max, using: &generator)) & valid
                        }
                    }
                }
                let scales = (0..<(blockCount * 16)).map { _ in Float.random(in: -2...2, using: &generator) }
                for queryBits in [[1, 3, 4], [1, 4, 5]] {
                    let callBits = Int32(queryBits.max()!)
                    var codes: [[UInt8]] = [], planes: [[UInt64]] = []
                    for bitsOfQuery in queryBits {
                        let top = UInt8((1 << bitsOfQuery) - 1)
                        let w = (0..<d).map { _ in allSet ? top : UInt8.random(in: 0...top, using: &generator) }
                        var plane = [UInt64](repeating: 0, count: bitsOfQuery * planeWords)
                        for (i, value) in w.enumerated() {
                            for b in 0..<bitsOfQuery where (value >> UInt8(b)) & 1 == 1 {
                                plane[b * planeWords + i / 64] |= 1 << UInt64(((i >> 3) & 7) * 8 + 7 - (i & 7))
                            }
                        }
                        codes.append(w)
                        planes.append(plane)
                    }
                    let deltas = queryBits.map { _ in Float.random(in: 0.001...0.2, using: &generator) }
                    let lows = queryBits.map { _ in Float.random(in: -1...0, using: &generator) }
                    let biases = queryBits.map { _ in Float.random(in: -10...10, using: &generator) }
                    let expected = queryBits.indices.map { q in
                        referenceScan(
                            blocks: blocks, rows: rows, planeWords: planeWords, bits: 1, query: planes[q], queryBits: queryBits[q],
                            scales: scales, delta: deltas[q], low: lows[q], bias: biases[q])
                    }
                    let stride = blockCount * 16 + 5
                    for variant in variants {
                        withUnsafePointer(to: variant.table) { table in
                            let name = String(cString: eq_rabitq_lookup_isa(table, Int64(planeWords), callBits))
                            if name.hasSuffix("windows") { windowsChecked += 1 }
                            // Each variant's own table layout.
                            let tableBytes = Int(eq_rabitq_lookup_table_bytes(table, Int64(planeWords), callBits))
                            var tables = [UInt8](repeating: 0, count: (queryBits.count + 1) * tableBytes)
                            tables.withUnsafeMutableBufferPointer { t in
                                eq_rabitq_lookup_tables(table, nil, Int64(d), Int64(planeWords), callBits, t.baseAddress!)
                                for q in codes.indices {
                                    eq_rabitq_lookup_tables(
                                        table, codes[q], Int64(d), Int64(planeWords), callBits, t.baseAddress! + (q + 1) * tableBytes)
                                }
                            }
                            let scratch = UnsafeMutableRawPointer.allocate(
                                byteCount: Int(eq_rabitq_lookup_scratch_bytes(table, Int64(planeWords), callBits)), alignment: 64)
                            defer { scratch.deallocate() }
                            var out = [Float](repeating: .nan, count: (queryBits.count + 1) * stride)
                            eq_rabitq_scan_lookup(
                                table, blocks, Int64(blockCount), Int64(planeWords), callBits, tables, Int64(queryBits.count), scales,
                                deltas, lows, biases, &out, Int64(stride), scratch.assumingMemoryBound(to: UInt8.self))
                            for q in queryBits.indices {
                                let got = Array(out[((q + 1) * stride)..<((q + 1) * stride + rows)])
                                XCTAssertEqual(got.map(\.bitPattern), expected[q].map(\.bitPattern),
                                               "\(name) d=\(d) blocks=\(blockCount) qb=\(queryBits[q])")
                            }
                        }
                    }
                }
            }
        }
        // The windows ran wherever the CPU has them (not under EMBEDQ_ISA caps below AVX-512).
        let hasWindows = variants.contains { $0.table.rabitq_windows != nil }
        XCTAssertEqual(windowsChecked > 0, hasWindows)
    }

    /// RaBitQIndex scores groups of queries per pass (1-bit codes by lookups): a batch of 45
    /// queries (two groups) on 1 and 2 threads gives every query the hits, scores included, of its
    /// own search and of the reference scan's estimates (top 10, ties to the lower row).
    func testGroupedSearchEqualsOneQueryAtATimeAndTheReference() throws {
        let data = corpus(rows: 517, dimension: 77, seed: 11)
        let queries = corpus(rows: 45, dimension: 77, seed: 12)
        let index = try index(1, data)
        XCTAssertTrue(index.scansByLookups(queryBits: 4))
        XCTAssertFalse(index.scansByLookups(queryBits: 6))
        let parameters = RaBitQSearchParameters(refinement: .estimate)
        let batch = try index.search(queries, k: 10, parameters: parameters, threads: 1)
        XCTAssertEqual(try index.search(queries, k: 10, parameters: parameters, threads: 2), batch)
        for q in 0..<queries.rowCount {
            let query = Array(queries[row: q])
            let single = try index.search(try EmbeddingMatrix(rowCount: 1, dimension: 77, values: query), k: 10, parameters: parameters)
            XCTAssertEqual(single[0], batch[q], "query \(q)")
            let prepared = RaBitQQuery(query: query, rotation: index.rotation, codeBits: 1, queryBits: 4, planeWords: index.planeWords)
            let estimates = referenceScan(
                blocks: index.blocks, rows: 517, planeWords: index.planeWords, bits: 1, query: prepared.planes, queryBits: 4,
                scales: index.scales, delta: prepared.delta, low: prepared.low, bias: prepared.bias)
            var expected: [(row: Int, score: Float)] = []
            for (row, estimate) in estimates.enumerated() { expected.append((row, prepared.centre + estimate)) }
            expected.sort { (a: (row: Int, score: Float), b: (row: Int, score: Float)) -> Bool in
                a.score > b.score || (a.score == b.score && a.row < b.row)
            }
            let top = Array(expected.prefix(10))
            XCTAssertEqual(batch[q].map { $0.row }, top.map { $0.row }, "query \(q)")
            XCTAssertEqual(batch[q].map { $0.score }, top.map { Double($0.score) }, "query \(q)")
        }
    }

    func testCodeDotEveryVariantMatchesReference() {
        let variants = KernelTable.availableLevels.map(\.table)
        var generator = SeededGenerator(seed: 32)
        for d in Self.dimensions {
            for bits in 1...4 {
                let plane = (d + 7) / 8
                let code = (0..<(bits * plane)).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let query = (0..<d).map { _ in Float.random(in: -1...1, using: &generator) }
                var expected = 0.0, magnitude = 0.0
                for a in 0..<bits {
                    for i in 0..<d where (code[a * plane + i / 8] >> (7 - UInt8(i % 8))) & 1 == 1 {
                        expected += Double(1 << a) * Double(query[i])
                        magnitude += Double(1 << a) * Double(abs(query[i]))
                    }
                }
                for variant in variants {
                    let value = variant.rabitq_code_dot(code, Int64(d), Int32(bits), query)
                    XCTAssertEqual(Double(value), expected, accuracy: 1e-5 * (magnitude + 1), "\(String(cString: variant.rabitq_isa)) d=\(d) bits=\(bits)")
                }
            }
        }
    }

    /// Clustered unit vectors (like sentence embeddings: a shared direction plus noise).
    private func corpus(rows: Int, dimension d: Int, seed: UInt64) -> EmbeddingMatrix {
        var generator = SeededGenerator(seed: seed)
        let shared = (0..<d).map { _ in Float.random(in: -1...1, using: &generator) }
        let values = (0..<rows).flatMap { _ -> [Float] in
            var v = (0..<d).map { shared[$0] * 0.5 + Float.random(in: -1...1, using: &generator) }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            for i in v.indices { v[i] /= norm }
            return v
        }
        return try! EmbeddingMatrix(rowCount: rows, dimension: d, values: values)
    }

    private func index(_ bits: Int, _ data: EmbeddingMatrix, seed: UInt64 = 9) throws -> RaBitQIndex {
        let rotation = try RaBitQRotation.random(dimension: data.dimension, seed: seed, centroid: RaBitQRotation.mean(of: data))
        let ranges = try Calibration.ranges(from: data).withRotation(rotation)
        return try RaBitQIndex(EmbeddingQuantizer(precision: Precision.rabitq(bits: bits)!, ranges: ranges).quantize(data))
    }

    /// Float-query refinement returns exactly the float-query estimator's top k (brute force
    /// over every row), while refining only a fraction of the rows.
    func testFloatQueryRefinementEqualsBruteForceEstimator() throws {
        let data = corpus(rows: 700, dimension: 93, seed: 1)
        let queries = corpus(rows: 12, dimension: 93, seed: 2)
        for bits in [1, 2, 4] {
            let index = try index(bits, data)
            let results = try index.searchWithStatistics(queries, k: 10, threads: 2)
            for (q, result) in results.enumerated() {
                let scorer = try AsymmetricScorer(query: Array(queries[row: q]), codes: index.codes)
                var all: [(row: Int, score: Float)] = []
                index.codes.bytes.withUnsafeBytes { bytes in
                    for row in 0..<700 {
                        let width = index.codes.bytesPerVector
                        all.append((row, scorer.score(UnsafeRawBufferPointer(rebasing: bytes[(row * width)..<((row + 1) * width)]))))
                    }
                }
                all.sort { $0.score > $1.score || ($0.score == $1.score && $0.row < $1.row) }
                XCTAssertEqual(result.hits.map(\.row), all.prefix(10).map(\.row), "bits \(bits) query \(q)")
                XCTAssertLessThan(result.statistics.candidatesRefined, 700 / 2, "bits \(bits): the bound should prune")
                XCTAssertGreaterThanOrEqual(result.statistics.candidatesRefined, 10)
            }
        }
    }

    /// A floor per query (the search of a later part of a split corpus): the hits are the
    /// unbounded hits above the floor, fewer rows are refined, and a floor above every score
    /// leaves nothing; with estimates only too. One floor per query, or an error.
    func testFloorsKeepTheHitsAboveAndRefineFewerRows() throws {
        let data = corpus(rows: 700, dimension: 93, seed: 1)
        let queries = corpus(rows: 12, dimension: 93, seed: 2)
        for bits in [1, 2] {
            let index = try index(bits, data)
            for parameters in [RaBitQSearchParameters(), RaBitQSearchParameters(refinement: .estimate)] {
                let unbounded = try index.searchWithStatistics(queries, k: 10, parameters: parameters, threads: 2)
                let floors: [Double?] = unbounded.enumerated().map { q, result in
                    switch q % 3 {
                    case 0: return nil
                    case 1: return result.hits[4].score
                    default: return result.hits[0].score + 1
                    }
                }
                let floored = try index.searchWithStatistics(queries, k: 10, parameters: parameters, filter: nil, threads: 2, above: floors)
                XCTAssertEqual(try index.search(queries, k: 10, parameters: parameters, filter: nil, threads: 1, above: floors), floored.map(\.hits))
                for q in 0..<queries.rowCount {
                    let expected = unbounded[q].hits.filter { hit in floors[q].map { hit.score > $0 } ?? true }
                    XCTAssertEqual(floored[q].hits, expected, "bits \(bits) \(parameters.refinement) query \(q)")
                    if case .estimate = parameters.refinement { continue }
                    if floors[q] == nil {
                        XCTAssertEqual(floored[q].statistics.candidatesRefined, unbounded[q].statistics.candidatesRefined)
                    } else {
                        XCTAssertLessThan(floored[q].statistics.candidatesRefined, unbounded[q].statistics.candidatesRefined, "query \(q)")
                    }
                }
                XCTAssertEqual(floored[2].hits, [])
                // Queries prepared once give the same hits.
                let prepared = try index.prepare(queries, parameters: parameters, threads: 2)
                XCTAssertEqual(
                    try index.search(prepared: prepared, k: 10, parameters: parameters, filter: nil, threads: 1, above: floors),
                    floored.map(\.hits))
            }
            // Queries prepared with another rotation (or for other codes) are refused.
            let other = try self.index(bits, data, seed: 10)
            for index in [other, try self.index(bits == 1 ? 2 : 1, data)] {
                XCTAssertThrowsError(try index.search(prepared: try self.index(bits, data).prepare(queries, threads: 1), k: 10, filter: nil, threads: 1, above: nil)) { error in
                    guard case .unsupportedPrecision(_, let reason) = error as? SearchError else { return XCTFail("\(error)") }
                    XCTAssertTrue(reason.contains("prepared"), reason)
                }
            }
            XCTAssertThrowsError(try index.search(queries, k: 10, filter: nil, threads: 1, above: [nil])) { error in
                guard case .dimensionMismatch = error as? SearchError else { return XCTFail("\(error)") }
            }
        }
    }

    /// Exact refinement with the float vectors: the error bound keeps every true top-k row among
    /// the candidates, so the result is the exact float top k.
    func testExactRefinementFindsTheExactTopK() throws {
        let data = corpus(rows: 600, dimension: 64, seed: 3)
        let queries = corpus(rows: 10, dimension: 64, seed: 4)
        let exact = try FlatIndex(data).search(queries, k: 10, threads: 1)
        for bits in [1, 3] {
            let index = try index(bits, data)
            let parameters = RaBitQSearchParameters(refinement: .exact(StoredCodes(data)))
            let results = try index.searchWithStatistics(queries, k: 10, parameters: parameters, threads: 1)
            for (q, result) in results.enumerated() {
                XCTAssertEqual(result.hits.map(\.row), exact[q].map(\.row), "bits \(bits) query \(q)")
                XCTAssertLessThan(result.statistics.candidatesRefined, 600)
            }
        }
    }

    func testEstimateOnlyEdgeCasesAndErrors() throws {
        let data = corpus(rows: 21, dimension: 13, seed: 5)
        let index = try index(1, data)
        let queries = corpus(rows: 3, dimension: 13, seed: 6)
        let hits = try index.search(queries, k: 100, parameters: RaBitQSearchParameters(refinement: .estimate))
        XCTAssertEqual(hits.map(\.count), [21, 21, 21])
        XCTAssertEqual(Set(hits[0].map(\.row)), Set(0..<21))
        for list in hits { XCTAssertEqual(list.map(\.score), list.map(\.score).sorted(by: >)) }
        XCTAssertEqual(try index.search(queries, k: 5, threads: 3).map(\.count), [5, 5, 5])
        // Errors: k, dimension, NaN, query bits, a FlatIndex of RaBitQ codes.
        XCTAssertThrowsError(try index.search(queries, k: 0)) { XCTAssertEqual($0 as? SearchError, .invalidK(0)) }
        XCTAssertThrowsError(try index.search(corpus(rows: 1, dimension: 12, seed: 1), k: 1))
        var bad = queries.values
        bad[4] = .nan
        XCTAssertThrowsError(try index.search(try EmbeddingMatrix(rowCount: 3, dimension: 13, values: bad), k: 1)) { error in
            XCTAssertEqual(error as? SearchError, .nonFiniteValue(what: "the queries", row: 0, column: 4))
        }
        XCTAssertThrowsError(try index.search(queries, k: 1, parameters: RaBitQSearchParameters(queryBits: 9)))
        XCTAssertThrowsError(try FlatIndex(index.codes.quantized())) { error in
            XCTAssertTrue("\(error)".contains("RaBitQIndex"), "\(error)")
        }
        // An empty corpus gives empty results.
        let ranges = try Calibration.ranges(from: data).withRotation(.random(dimension: 13, seed: 1))
        let empty = try RaBitQIndex(EmbeddingQuantizer(precision: .rabitq2, ranges: ranges).quantize(.empty(dimension: 13)))
        XCTAssertEqual(try empty.search(queries, k: 3), [[], [], []])
    }
}

extension StoredCodes {
    /// The codes as `QuantizedEmbeddings` (tests only).
    fileprivate func quantized() throws -> QuantizedEmbeddings {
        try bytes.withUnsafeBytes { raw in
            try QuantizedEmbeddings(precision: precision, rowCount: rowCount, dimension: dimension, codes: Array(raw), ranges: ranges)
        }
    }
}
