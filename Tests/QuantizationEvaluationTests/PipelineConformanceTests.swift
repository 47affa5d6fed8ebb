import EmbeddingQuantization
import QuantizationEvaluation
import VectorIndexConformance
import XCTest

@testable import EmbeddingSearch

/// The evaluation pipelines are ``VectorIndex``es like any other: each passes the conformance
/// suite against a brute force of its own scoring.
final class PipelineConformanceTests: XCTestCase {
    let ranges = try! Calibration.ranges(from: VectorIndexConformance.matrix(rows: 500, dimension: 20, seed: 77))

    func codes(_ matrix: EmbeddingMatrix, _ precision: Precision) throws -> QuantizedEmbeddings {
        try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(matrix)
    }

    /// Symmetric scores of the queries quantized like the corpus (plain Swift, ``ReferenceKernels``).
    func symmetric(_ precision: Precision, _ corpus: EmbeddingMatrix, _ queries: EmbeddingMatrix) throws -> ExhaustiveScores {
        let rows = try codes(corpus, precision), query = try codes(queries, precision)
        return ExhaustiveScores(metric: Metric.symmetric(for: precision), queryCount: queries.rowCount, rowCount: corpus.rowCount) { q, r in
            Array(query[row: q]).withUnsafeBufferPointer { a in
                Array(rows[row: r]).withUnsafeBufferPointer { b in
                    ReferenceKernels.score(precision, dimension: corpus.dimension, query: a.baseAddress!, row: b.baseAddress!)
                }
            }
        }
    }

    /// Float query × dequantized codes, one row at a time with each query's ``AsymmetricScorer``.
    func asymmetric(_ precision: Precision, _ corpus: EmbeddingMatrix, _ queries: EmbeddingMatrix) throws -> [[Double]] {
        let stored = StoredCodes(try codes(corpus, precision))
        return try (0..<queries.rowCount).map { q in
            let scorer = try AsymmetricScorer(query: Array(queries[row: q]), codes: stored)
            let rows = try codes(corpus, precision)
            return (0..<corpus.rowCount).map { r in Double(Array(rows[row: r]).withUnsafeBytes { scorer.score($0) }) }
        }
    }

    func testPipelinesAnswerLikeBruteForce() throws {
        let pipelines: [(RetrievalPipeline, (EmbeddingMatrix, EmbeddingMatrix) throws -> any BruteForceOracle)] = [
            (.float(.float16), { corpus, queries in
                // float16 values widen exactly; the float32 query's fused multiply-add chain.
                let rows = try EmbeddingQuantizer(precision: .float16).dequantize(try self.codes(corpus, .float16))
                return ExhaustiveScores(metric: .innerProduct, queryCount: queries.rowCount, rowCount: corpus.rowCount) { q, r in
                    Double(zip(rows[row: r], queries[row: q]).reduce(Float(0)) { $0.addingProduct($1.0, $1.1) })
                }
            }),
            (.symmetric(.ternary), { try self.symmetric(.ternary, $0, $1) }),
            (.symmetric(.binary), { try self.symmetric(.binary, $0, $1) }),
            (.asymmetric(.int4), { ExhaustiveScores(metric: .innerProduct, scores: try self.asymmetric(.int4, $0, $1)) }),
            (.binaryRescore(multiplier: 4, codes: .int8), {
                RefinedScores(candidates: try self.symmetric(.binary, $0, $1), finer: try self.asymmetric(.int8, $0, $1), multiplier: 4)
            }),
        ]
        for (pipeline, oracle) in pipelines {
            VectorIndexConformance.check(
                "pipeline \(pipeline)",
                build: { corpus, _ in Opened(index: try pipeline.makeIndex(corpus: corpus, ranges: self.ranges)) },
                oracle: { _, corpus, queries in try oracle(corpus, queries) })
        }
    }
}

/// A pipeline's `any VectorIndex` as a concrete conformer (the suite is generic over one).
struct Opened: VectorIndex {
    let index: any VectorIndex
    var dimension: Int { index.dimension }
    var rowCount: Int { index.rowCount }

    func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        try index.search(queries, k: k, parameters: parameters)
    }
}
