import CPUCapabilities
import EmbedQTestSupport
import EmbeddingKernels
import EmbeddingQuantization
import XCTest

/// The graph distance kernels: every variant this CPU runs against the C reference and against
/// the plain-Swift scores (``PlainScores``), on random rows of odd and even sizes, read through a
/// list of row numbers with repeats and a stride wider than a row.
final class GraphKernelTests: XCTestCase {
    /// One table per capability level this CPU has (portable first).
    func tables() -> [(String, KernelTable)] {
        KernelTable.availableLevels.map { ($0.level, $0) }
    }

    func testEveryVariantMatchesTheReferenceAndThePlainScores() throws {
        var generator = SeededGenerator(seed: 0x6A5)
        let metrics: [(eq_graph_metric, Precision)] = [
            (EQ_GRAPH_HAMMING, .binary), (EQ_GRAPH_TERNARY, .ternary), (EQ_GRAPH_DOT_I8, .int8),
            (EQ_GRAPH_DOT_F32, .float32), (EQ_GRAPH_DOT_F16, .float16), (EQ_GRAPH_DOT_BF16, .bfloat16),
        ]
        var checked = Set<String>()
        for (level, kernels) in tables() {
            for (metric, precision) in metrics {
                let variant = kernels.graphVariant(Int32(metric.rawValue))
                for dimension in [1, 7, 8, 20, 31, 33, 64, 100, 384, 513] {
                    let matrix = try EmbeddingMatrix(
                        rowCount: 40, dimension: dimension,
                        values: (0..<(40 * dimension)).map { _ in Float(Int.random(in: -64...64, using: &generator)) / 64 })
                    let ranges = try Calibration.ranges(from: matrix)
                    let codes = try precision == .float32
                        ? QuantizedEmbeddings(precision: .float32, rowCount: 40, dimension: dimension, codes: matrix.values.withUnsafeBytes { [UInt8]($0) })
                        : EmbeddingQuantizer(precision: precision, ranges: precision.needsCalibration ? ranges : nil).quantize(matrix)
                    let rowBytes = codes.bytesPerVector
                    let stride = rowBytes + 3
                    var strided = [UInt8](repeating: 0xA5, count: 40 * stride)
                    for row in 0..<40 { strided.replaceSubrange((row * stride)..<(row * stride + rowBytes), with: codes[row: row]) }
                    let isFloat = precision == .float32 || precision == .float16 || precision == .bfloat16
                    let floatQuery = Array(matrix[row: 39]).map { $0 * 0.75 }
                    let codeQuery = Array(codes[row: 39])
                    let rows: [UInt32] = (0..<25).map { _ in UInt32.random(in: 0..<40, using: &generator) } + [3, 3, 0, 39]
                    var keys = [UInt32](repeating: 0, count: rows.count)
                    let size: Int64 = switch metric {
                    case EQ_GRAPH_HAMMING: Int64(rowBytes)
                    case EQ_GRAPH_TERNARY: Int64((dimension + 7) / 8)
                    default: Int64(dimension)
                    }
                    let function = withUnsafePointer(to: kernels.table) { eq_kernels_graph_distances($0, Int32(metric.rawValue))! }
                    func run(_ query: UnsafeRawPointer) {
                        strided.withUnsafeBufferPointer { codes in
                            function(query, codes.baseAddress!, Int64(stride), size, rows, Int64(rows.count), &keys)
                        }
                    }
                    if isFloat { floatQuery.withUnsafeBytes { run($0.baseAddress!) } } else { codeQuery.withUnsafeBytes { run($0.baseAddress!) } }
                    for (i, row) in rows.enumerated() {
                        let reference = strided.withUnsafeBufferPointer { codes in
                            let row = codes.baseAddress! + Int(row) * stride
                            return isFloat
                                ? floatQuery.withUnsafeBytes { eq_graph_distance_reference(metric, $0.baseAddress!, row, size) }
                                : codeQuery.withUnsafeBytes { eq_graph_distance_reference(metric, $0.baseAddress!, row, size) }
                        }
                        XCTAssertEqual(keys[i], reference, "\(level) \(variant) \(precision.rawValue) d=\(dimension) row \(row): kernel vs C reference")
                        let plain = PlainScores.score(precision, dimension: dimension, query: codeQuery, floatQuery: floatQuery, row: codes[row: Int(row)])
                        XCTAssertEqual(Self.score(of: keys[i], metric: metric), plain, "\(level) \(variant) \(precision.rawValue) d=\(dimension) row \(row): kernel vs plain Swift")
                    }
                }
                checked.insert(variant)
            }
        }
        #if arch(x86_64)
        if eqcpu_has(UInt64(EQCPU_AVX512VPOPCNTDQ.rawValue) | eqcpu_level_mask("avx512", nil)) != 0 {
            XCTAssertTrue(checked.contains("avx512vpopcntdq"))
        }
        if eqcpu_has(eqcpu_level_mask("avx2", nil)) != 0 { XCTAssertTrue(checked.contains("avx2")) }
        #endif
        XCTAssertTrue(checked.contains("portable"))
    }

    func testFloatKeysOrderLikeScoresAndConvertBack() {
        let values: [Float] = [-.infinity, -3.5, -1, -Float.leastNormalMagnitude, -0.0, 0, Float.leastNonzeroMagnitude, 0.25, 1, 1e30, .infinity]
        let keys = values.map { eq_graph_float_key($0) }
        for i in 1..<values.count where values[i - 1] < values[i] {
            XCTAssertGreaterThan(keys[i - 1], keys[i], "a higher dot product has a lower key: \(values[i - 1]) vs \(values[i])")
        }
        for value in values { XCTAssertEqual(eq_graph_float_from_key(eq_graph_float_key(value)).bitPattern, value.bitPattern) }
    }

    static func score(of key: UInt32, metric: eq_graph_metric) -> Double {
        switch metric {
        case EQ_GRAPH_HAMMING: return Double(key)
        case EQ_GRAPH_TERNARY, EQ_GRAPH_DOT_I8: return Double(0x8000_0000 - Int64(key))
        default: return Double(eq_graph_float_from_key(key))
        }
    }
}
