import EmbedQTestSupport
import EmbeddingQuantization
import Foundation
import XCTest
@testable import EmbeddingSearch

/// The asymmetric scorer and index against NumPy's float64 scores
/// (scripts/fixtures/make_quantization_fixtures.py → Tests/Fixtures/quantization/<case>/
/// `scores_<name>.npy`), on every kernel path, and the tests' own double-precision reference
/// (``PlainAsymmetricReference``) against the same NumPy scores, so that the search tests may use
/// it as their exact oracle. The float32 bound is ``PlainAsymmetricReference/roundingBound``.
final class AsymmetricFixtureTests: XCTestCase {
    struct Kind {
        var name: String
        var precision: Precision
        var encoding: PlainAsymmetricReference.Encoding
        var rounding: RoundingMode = .floor
    }

    static let cases = ["edge_13", "uniform_77", "unit_384"]
    static let kinds = [
        Kind(name: "float32", precision: .float32, encoding: .float32),
        Kind(name: "float16", precision: .float16, encoding: .float16),
        Kind(name: "bfloat16", precision: .bfloat16, encoding: .bfloat16),
        Kind(name: "int8", precision: .int8, encoding: .int8),
        Kind(name: "int8_nearest", precision: .int8, encoding: .int8, rounding: .nearest),
        Kind(name: "uint8", precision: .uint8, encoding: .uint8),
        Kind(name: "int4", precision: .int4, encoding: .int4),
        Kind(name: "int4_nearest", precision: .int4, encoding: .int4, rounding: .nearest),
        Kind(name: "ternary", precision: .ternary, encoding: .ternary),
        Kind(name: "binary", precision: .binary, encoding: .binary),
        Kind(name: "ubinary", precision: .ubinary, encoding: .ubinary),
    ]

    /// One case folder's data for one kind of codes.
    struct Fixture {
        var rows: Int
        var dimension: Int
        var queries: EmbeddingMatrix
        var codes: StoredCodes
        var rowBytes: [[UInt8]]
        var plainRanges: PlainAsymmetricReference.Ranges
        /// NumPy's float64 scores, `[query][row]`.
        var scores: [[Double]]

        /// The float32 rounding bound of row `row`'s score for `query`.
        func bound(_ kind: Kind, query: [Float], row: Int) -> Double {
            PlainAsymmetricReference.roundingBound(query: query, row: rowBytes[row], encoding: kind.encoding, ranges: plainRanges)
        }
    }

    static func load(_ name: String, kind: Kind) throws -> Fixture {
        let folder = SharedData.packageRoot.appendingPathComponent("Tests/Fixtures/quantization/\(name)")
        func npy(_ file: String) throws -> PlainNPY { try PlainNPY(contentsOf: folder.appendingPathComponent(file)) }
        let embeddings = try npy("embeddings.npy")
        let (n, d) = (embeddings.shape[0], embeddings.shape[1])
        let rangeValues = try npy("ranges.npy").float32Values
        let thresholds = try npy("thresholds.npy").float32Values
        let minimums = Array(rangeValues[0..<d]), maximums = Array(rangeValues[d...])
        let queryFile = try npy("queries.npy")
        let queries = try EmbeddingMatrix(rowCount: queryFile.shape[0], dimension: d, values: queryFile.float32Values)
        let bytes = try npy(kind.name == "float32" ? "embeddings.npy" : "\(kind.name).npy").data
        let ranges = try QuantizationRanges(minimums: minimums, maximums: maximums, ternaryThresholds: thresholds)
        let codes = try StoredCodes(
            precision: kind.precision, rowCount: n, dimension: d, bytes: bytes, ranges: ranges, rounding: kind.rounding)
        let width = bytes.count / n
        let scoreValues = try npy("scores_\(kind.name).npy").float64Values
        return Fixture(
            rows: n, dimension: d, queries: queries, codes: codes,
            rowBytes: (0..<n).map { Array(bytes[($0 * width)..<(($0 + 1) * width)]) },
            plainRanges: .init(minimums: minimums, maximums: maximums, floor: kind.rounding == .floor),
            scores: (0..<queries.rowCount).map { Array(scoreValues[($0 * n)..<(($0 + 1) * n)]) })
    }

    func testPlainReferenceEqualsNumPyScores() throws {
        var compared = 0
        for name in Self.cases {
            for kind in Self.kinds {
                let encoding = kind.encoding
                let fixture = try Self.load(name, kind: kind)
                for q in 0..<fixture.queries.rowCount {
                    let query = Array(fixture.queries[row: q])
                    for row in 0..<fixture.rows {
                        let plain = PlainAsymmetricReference.score(
                            query: query, row: fixture.rowBytes[row], encoding: encoding, ranges: fixture.plainRanges)
                        // Two float64 sums in different orders.
                        XCTAssertEqual(plain, fixture.scores[q][row], accuracy: 1e-12 * Double(fixture.dimension), "\(name) \(kind.name) q\(q) row \(row)")
                        compared += 1
                    }
                }
            }
        }
        XCTAssertEqual(compared, 11 * (4 * 30 + 3 * 20 + 4 * 12))
    }

    /// The scorer, and `AsymmetricIndex` on every asymmetric kernel variant the CPU has.
    func testScorerAndEveryKernelVariantEqualNumPyScores() throws {
        for name in Self.cases {
            for kind in Self.kinds {
                let fixture = try Self.load(name, kind: kind)
                for q in 0..<fixture.queries.rowCount {
                    let query = Array(fixture.queries[row: q])
                    let scorer = try AsymmetricScorer(query: query, codes: fixture.codes)
                    for row in 0..<fixture.rows {
                        let score = fixture.rowBytes[row].withUnsafeBytes { scorer.score($0) }
                        let bound = fixture.bound(kind, query: query, row: row)
                        XCTAssertEqual(Double(score), fixture.scores[q][row], accuracy: bound, "\(name) \(kind.name) q\(q) row \(row)")
                    }
                }
                var index = try AsymmetricIndex(fixture.codes)
                for kernels in KernelTable.availableLevels {
                    index.kernels = kernels
                    let results = try index.search(fixture.queries, k: fixture.rows, threads: 1)
                    for q in 0..<fixture.queries.rowCount {
                        let query = Array(fixture.queries[row: q])
                        XCTAssertEqual(results.hits[q].count, fixture.rows)
                        for hit in results.hits[q] {
                            XCTAssertEqual(hit.score, fixture.scores[q][hit.row], accuracy: fixture.bound(kind, query: query, row: hit.row),
                                           "\(name) \(kind.name) \(kernels.asymmetricVariant) q\(q) row \(hit.row)")
                        }
                    }
                }
            }
        }
    }

    func testAsymmetricIndexReturnsTheNumPyTopK() throws {
        for name in Self.cases {
            for kind in Self.kinds {
                let fixture = try Self.load(name, kind: kind)
                for k in [1, 5, fixture.rows] {
                    let results = try AsymmetricIndex(fixture.codes).search(fixture.queries, k: k)
                    XCTAssertEqual(results.metric, .innerProduct)
                    for q in 0..<fixture.queries.rowCount {
                        let query = Array(fixture.queries[row: q])
                        let problems = TopKOracle.problems(
                            hits: results[q].map { ($0.row, $0.score) }, candidates: Array(0..<fixture.rows), k: k,
                            reference: { fixture.scores[q][$0] }, bound: { fixture.bound(kind, query: query, row: $0) })
                        XCTAssertEqual(problems, [], "\(name) \(kind.name) k=\(k) q\(q)")
                    }
                }
            }
        }
    }
}
