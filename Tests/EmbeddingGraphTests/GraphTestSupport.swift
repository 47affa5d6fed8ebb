import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingSearch
import VectorIndexConformance

@testable import EmbeddingGraph

/// Plain-Swift scores of codes, independent of the C kernels: the oracle of the graph tests.
enum PlainScores {
    /// The score a flat index reports for `query` against `row` (codes of `precision`; float
    /// queries as float32 values): bits by bit loops, integers in `Int`, floats with the 32
    /// partial sums of GraphKernels.h (fused multiply-adds, then the pairwise tree).
    static func score(_ precision: Precision, dimension d: Int, query: [UInt8], floatQuery: [Float], row: ArraySlice<UInt8>) -> Double {
        let row = Array(row)
        func bit(_ bytes: [UInt8], _ j: Int, plane: Int = 0) -> Int {
            Int(bytes[plane + j / 8] >> UInt8(7 - j % 8) & 1)
        }
        switch precision {
        case .binary, .ubinary:
            return Double((0..<d).reduce(0) { $0 + (bit(row, $1) != bit(query, $1) ? 1 : 0) })
        case .ternary:
            let plane = (d + 7) / 8
            func value(_ bytes: [UInt8], _ j: Int) -> Int { bit(bytes, j) - bit(bytes, j, plane: plane) }
            return Double((0..<d).reduce(0) { $0 + value(row, $1) * value(query, $1) })
        case .int8:
            return Double((0..<d).reduce(0) { $0 + Int(Int8(bitPattern: row[$1])) * Int(Int8(bitPattern: query[$1])) })
        case .float32, .float16, .bfloat16:
            var partial = [Float](repeating: 0, count: 32)
            for j in 0..<((d + 31) / 32 * 32) {
                let x = j < d ? value(precision, row, j) : 0
                let y = j < d ? floatQuery[j] : 0
                partial[j % 32] = partial[j % 32].addingProduct(x, y)
            }
            var width = 16
            while width >= 2 {
                for l in 0..<width { partial[l] += partial[l + width] }
                width /= 2
            }
            return Double(partial[0] + partial[1])
        default:
            fatalError("no graph score for \(precision)")
        }
    }

    static func value(_ precision: Precision, _ row: [UInt8], _ j: Int) -> Float {
        switch precision {
        case .float32:
            return Float(bitPattern: UInt32(row[4 * j]) | UInt32(row[4 * j + 1]) << 8 | UInt32(row[4 * j + 2]) << 16 | UInt32(row[4 * j + 3]) << 24)
        case .float16:
            return HalfPrecision.float(fromFloat16Bits: UInt16(row[2 * j]) | UInt16(row[2 * j + 1]) << 8)
        default:
            return Float(bitPattern: (UInt32(row[2 * j]) | UInt32(row[2 * j + 1]) << 8) << 16)
        }
    }
}

enum GraphFixtures {
    /// Ranges calibrated once on a fixed sample, so that one-row and empty corpora quantize too.
    static let ranges = try! Calibration.ranges(from: VectorIndexConformance.matrix(rows: 500, dimension: 20, seed: 77))

    /// The precisions a graph indexes.
    static let precisions: [Precision] = [.binary, .ubinary, .ternary, .int8, .float32, .float16, .bfloat16]

    static func quantize(_ matrix: EmbeddingMatrix, _ precision: Precision, ranges: QuantizationRanges? = nil) throws -> QuantizedEmbeddings {
        if precision == .float32 {
            return try QuantizedEmbeddings(
                precision: .float32, rowCount: matrix.rowCount, dimension: matrix.dimension,
                codes: matrix.values.withUnsafeBytes { [UInt8]($0) })
        }
        let calibration: QuantizationRanges?
        if precision.needsCalibration {
            calibration = try ranges ?? (matrix.dimension == 20 ? Self.ranges : Calibration.ranges(from: matrix))
        } else {
            calibration = nil
        }
        return try EmbeddingQuantizer(precision: precision, ranges: calibration).quantize(matrix)
    }

    /// Every (query, row) score of the queries (quantized like the corpus) against the corpus codes.
    static func oracle(_ precision: Precision, corpus: QuantizedEmbeddings, queries: EmbeddingMatrix) throws -> ExhaustiveScores {
        let d = corpus.dimension
        let floatQuery = [.float32, .float16, .bfloat16].contains(precision)
        let codes = floatQuery ? nil : try EmbeddingQuantizer(precision: precision, ranges: corpus.ranges).quantize(queries)
        return ExhaustiveScores(metric: Metric.symmetric(for: precision), queryCount: queries.rowCount, rowCount: corpus.rowCount) { q, row in
            PlainScores.score(
                precision, dimension: d, query: codes.map { Array($0[row: q]) } ?? [],
                floatQuery: floatQuery ? Array(queries[row: q]) : [], row: corpus[row: row])
        }
    }

    /// `rows × d` unit vectors around `clusters` seeded centres (a neighbourhood structure, as
    /// real embeddings have; uniform random vectors have none).
    static func clustered(rows: Int, dimension d: Int, clusters: Int, spread: Float = 0.35, seed: UInt64) -> EmbeddingMatrix {
        var generator = SeededGenerator(seed: seed)
        func gaussian() -> Float {
            let u = Float.random(in: Float.ulpOfOne..<1, using: &generator), v = Float.random(in: 0..<1, using: &generator)
            return (-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * .pi * v)
        }
        let centres = (0..<clusters).map { _ in (0..<d).map { _ in gaussian() } }
        var values: [Float] = []
        values.reserveCapacity(rows * d)
        for _ in 0..<rows {
            let centre = centres[Int.random(in: 0..<clusters, using: &generator)]
            var row = centre.map { $0 + spread * gaussian() }
            let norm = row.reduce(0) { $0 + $1 * $1 }.squareRoot()
            row = row.map { $0 / norm }
            values += row
        }
        return try! EmbeddingMatrix(rowCount: rows, dimension: d, values: values)
    }

    /// Recall@k of `found` against the exact `expected` lists, ties counted: a found row whose
    /// score equals the k-th exact score (or beats it) is a hit.
    static func recall(_ found: SearchResults, _ expected: SearchResults, k: Int) -> Double {
        var hits = 0, total = 0
        for q in 0..<expected.count {
            let truth = expected[q]
            guard let last = truth.prefix(k).last else { continue }
            total += truth.prefix(k).count
            let better: (Double) -> Bool = expected.metric.higherIsBetter ? { $0 >= last.score } : { $0 <= last.score }
            hits += found[q].prefix(k).filter { better($0.score) }.count
        }
        return total == 0 ? 1 : Double(hits) / Double(total)
    }
}

import Foundation
