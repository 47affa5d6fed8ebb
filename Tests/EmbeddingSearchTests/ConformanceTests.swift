import EmbeddingQuantization
import VectorIndexConformance
import XCTest

@testable import EmbeddingSearch

/// Every ``VectorIndex`` of this module against brute force (`VectorIndexConformance`): the flat
/// index in every precision, the asymmetric scan, and refinement from memory and from a
/// memory-mapped file.
final class ConformanceTests: XCTestCase {
    /// Ranges calibrated once on a fixed sample, so that one-row and empty corpora quantize too.
    let ranges = try! Calibration.ranges(from: VectorIndexConformance.matrix(rows: 500, dimension: 20, seed: 77))

    func quantize(_ matrix: EmbeddingMatrix, _ precision: Precision) throws -> QuantizedEmbeddings {
        try EmbeddingQuantizer(precision: precision, ranges: precision.needsCalibration ? ranges : nil).quantize(matrix)
    }

    /// The plain-Swift symmetric scores (``ReferenceKernels``) of the queries quantized like the corpus.
    func symmetricOracle(_ precision: Precision, corpus: EmbeddingMatrix, queries: EmbeddingMatrix) throws -> ExhaustiveScores {
        let rows = try quantize(corpus, precision), query = try quantize(queries, precision)
        return rows.codes.withUnsafeBufferPointer { r in
            query.codes.withUnsafeBufferPointer { q in
                ExhaustiveScores(metric: Metric.symmetric(for: precision), queryCount: queries.rowCount, rowCount: corpus.rowCount) {
                    if precision.isFloat {
                        // Float queries stay float32 against a float16 / bfloat16 corpus.
                        var acc: Float = 0
                        for j in 0..<corpus.dimension {
                            acc = acc.addingProduct(
                                ReferenceKernels.floatValue(precision, r.baseAddress! + $1 * rows.bytesPerVector, j),
                                queries.values[$0 * queries.dimension + j])
                        }
                        return Double(acc)
                    }
                    return ReferenceKernels.score(
                        precision, dimension: corpus.dimension,
                        query: q.baseAddress! + $0 * query.bytesPerVector, row: r.baseAddress! + $1 * rows.bytesPerVector)
                }
            }
        }
    }

    /// Every row scored, one by one, by each query's ``AsymmetricScorer`` (its C kernels are
    /// checked against the plain-Swift reference in `AsymmetricKernelTests`; here the search
    /// around them — selection, ties, filters, threads — is under test).
    func asymmetricScores(_ codes: StoredCodes, queries: EmbeddingMatrix) throws -> [[Double]] {
        try (0..<queries.rowCount).map { q in
            let scorer = try AsymmetricScorer(query: Array(queries[row: q]), codes: codes)
            return codes.bytes.withUnsafeBytes { all in
                (0..<codes.rowCount).map { row in
                    Double(scorer.score(UnsafeRawBufferPointer(rebasing: all[(row * codes.bytesPerVector)..<((row + 1) * codes.bytesPerVector)])))
                }
            }
        }
    }

    /// Every precision a ``FlatIndex`` holds (RaBitQ codes go to ``RaBitQIndex``, which passes
    /// the suite in `RaBitQFilterTests`).
    func testFlatIndexInEveryPrecision() throws {
        for precision in Precision.allCases where precision.rabitqCodeBits == nil {
            VectorIndexConformance.check(
                "FlatIndex \(precision.rawValue)",
                build: { corpus, _ in precision == .float32 ? try FlatIndex(corpus) : try FlatIndex(try self.quantize(corpus, precision)) },
                oracle: { _, corpus, queries in try self.symmetricOracle(precision, corpus: corpus, queries: queries) })
        }
    }

    /// RaBitQ codes are refused by name, not scanned as if they were plain bits.
    func testFlatIndexRefusesRaBitQCodes() throws {
        let corpus = VectorIndexConformance.matrix(rows: 10, dimension: 20, seed: 5)
        let rotated = try ranges.withRotation(RaBitQRotation.random(dimension: 20, seed: 1))
        let codes = try EmbeddingQuantizer(precision: .rabitq1, ranges: rotated).quantize(corpus)
        XCTAssertThrowsError(try FlatIndex(codes)) { error in
            guard case SearchError.unsupportedPrecision(.rabitq1, _) = error else { return XCTFail("\(error)") }
        }
        // The same codes answer through RaBitQIndex, under the search protocol.
        let index: any VectorIndex = try RaBitQIndex(codes)
        XCTAssertEqual(try index.search(corpus, k: 3).hits.map(\.count), Array(repeating: 3, count: 10))
    }

    func testAsymmetricIndex() throws {
        for precision in [Precision.int8, .uint8, .int4, .ternary, .binary, .float16] {
            VectorIndexConformance.check(
                "AsymmetricIndex \(precision.rawValue)",
                build: { corpus, _ in try AsymmetricIndex(StoredCodes(try self.quantize(corpus, precision))) },
                oracle: { index, _, queries in
                    ExhaustiveScores(metric: .innerProduct, scores: try self.asymmetricScores(index.codes, queries: queries))
                })
        }
    }

    func testRefineIndexFromMemoryAndFromAMappedFile() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-refine-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (finer, mapped) in [(Precision.int8, false), (.float32, false), (.int8, true)] {
            VectorIndexConformance.check(
                "RefineIndex ubinary → \(finer.rawValue)\(mapped ? " (memory-mapped)" : "")",
                build: { corpus, _ in
                    var codes = StoredCodes(try self.quantize(corpus, finer))
                    if mapped {
                        let url = directory.appendingPathComponent("codes-\(corpus.rowCount).bin")
                        try Data(codes.bytes.withUnsafeBytes { [UInt8]($0) }).write(to: url)
                        codes = try StoredCodes(
                            precision: finer, rowCount: corpus.rowCount, dimension: corpus.dimension,
                            bytes: try MemoryMappedFile(path: url.path), ranges: codes.ranges)
                    }
                    return try RefineIndex(base: try FlatIndex(try self.quantize(corpus, .ubinary)), codes: codes, multiplier: 3)
                },
                oracle: { index, corpus, queries in
                    RefinedScores(
                        candidates: try self.symmetricOracle(.ubinary, corpus: corpus, queries: queries),
                        finer: try self.asymmetricScores(index.codes as! StoredCodes, queries: queries), multiplier: 3)
                })
        }
    }
}
