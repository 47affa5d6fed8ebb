import EmbeddingQuantization
import XCTest
@testable import EmbeddingSearch

/// Every kernel variant against the plain-Swift reference: exact equality, integers and floats
/// alike (the float kernels run the same fused multiply-add chain as the reference: 0 ulp).
final class KernelAgreementTests: XCTestCase {
    static let dimensions = [1, 7, 13, 63, 65, 383, 384, 385]

    func testEveryPrecisionEveryPathMatchesReference() throws {
        XCTAssertEqual(TestData.paths.first, .portable)
        for precision in TestData.flatPrecisions {
            for (index, d) in Self.dimensions.enumerated() {
                let seed = UInt64(index * 100 + TestData.flatPrecisions.firstIndex(of: precision)!)
                let corpus = TestData.codes(precision, rows: 37, dimension: d, seed: seed)
                let queries = TestData.codes(precision, rows: 11, dimension: d, seed: seed + 1)
                let expected = ReferenceKernels.search(corpus: corpus, queries: queries, k: 37)
                let index = try FlatIndex(corpus)
                for path in TestData.paths {
                    let hits = try index.using(path).search(queries, k: 37, threads: 1).hits
                    XCTAssertEqual(hits, expected, "\(precision) d=\(d) path=\(path)")
                }
            }
        }
    }

    func testEdgeValuesAtFullDimension() throws {
        let d = FlatIndex.maximumIntegerDimension
        let cases: [(Precision, UInt8, UInt8, Double)] = [
            (.int8, 0x80, 0x80, Double(d) * 128 * 128),       // −128 × −128
            (.int8, 0x80, 0x7F, -Double(d) * 128 * 127),      // −128 × 127
            (.int8, 0x7F, 0x7F, Double(d) * 127 * 127),
            (.uint8, 0xFF, 0xFF, Double(d) * 255 * 255),      // above Int32.max
            (.int4, 0xFF, 0xFF, Double(d) * 15 * 15),
            (.ubinary, 0xFF, 0x00, Double(d)),                // every bit differs
            (.binary, 0xFF, 0xFF, 0),
        ]
        for (precision, corpusByte, queryByte, expected) in cases {
            let width = precision.bytesPerVector(dimension: d)
            let corpus = try QuantizedEmbeddings(
                precision: precision, rowCount: 3, dimension: d, codes: [UInt8](repeating: corpusByte, count: 3 * width))
            let query = try QuantizedEmbeddings(
                precision: precision, rowCount: 1, dimension: d, codes: [UInt8](repeating: queryByte, count: width))
            for path in TestData.paths {
                let hits = try FlatIndex(corpus).using(path).search(query, k: 2, threads: 1)[0]
                XCTAssertEqual(hits, [SearchHit(row: 0, score: expected), SearchHit(row: 1, score: expected)], "\(precision) \(path)")
            }
        }
        // Ternary: all +1 against all −1.
        let plane = (d + 7) / 8
        let plus = [UInt8](repeating: 0xFF, count: plane) + [UInt8](repeating: 0, count: plane)
        let minus = [UInt8](repeating: 0, count: plane) + [UInt8](repeating: 0xFF, count: plane)
        let corpus = try QuantizedEmbeddings(precision: .ternary, rowCount: 2, dimension: d, codes: plus + minus)
        let query = try QuantizedEmbeddings(precision: .ternary, rowCount: 1, dimension: d, codes: minus)
        for path in TestData.paths {
            let hits = try FlatIndex(corpus).using(path).search(query, k: 2, threads: 1)[0]
            XCTAssertEqual(hits, [SearchHit(row: 1, score: Double(d)), SearchHit(row: 0, score: -Double(d))])
        }
    }

    /// The float scans with NaN, ±inf, ±0, subnormal and huge corpus values (float32, float16 and
    /// bfloat16 words, every special bit pattern of the 16-bit formats) at odd dimensions and
    /// 1 … 9 queries: every table against the portable one bit for bit (NaN against NaN), and the
    /// float32 portable scan against a plain-Swift fused multiply-add chain.
    func testFloatScansAgreeOnSpecialValues() {
        var rng = SplitMix64(seed: 11)
        let specials: [Float] = [.nan, .infinity, -.infinity, 0, -0.0, .leastNonzeroMagnitude, .leastNormalMagnitude / 4, 3e38, -3e38]
        let blockCount = 2, rows = blockCount * 16
        for d in [1, 7, 13, 63, 65, 383, 385] {
            var floats = [Float](repeating: 0, count: rows * d)
            var halves = [UInt16](repeating: 0, count: rows * d)
            for i in floats.indices {
                floats[i] = i % 11 == 0 ? specials[Int(rng.next() % UInt64(specials.count))]
                    : Float(Int(rng.next() % 2001) - 1000) / 97
                halves[i] = UInt16(truncatingIfNeeded: rng.next())
            }
            for queryCount in [1, 2, 3, 4, 5, 9] {
                let queries = (0..<(queryCount * d)).map { _ in Float(Int(rng.next() % 2001) - 1000) / 113 }
                for format in Int32(0)...2 {
                    func scan(_ kernels: KernelTable) -> [Float] {
                        var out = [Float](repeating: 7, count: queryCount * rows)
                        let run = { (blocks: UnsafeRawPointer) in
                            queries.withUnsafeBufferPointer { q in
                                out.withUnsafeMutableBufferPointer { o in
                                    BlockKernels.floats(kernels, blocks, blockCount, d, format, q.baseAddress!, queryCount, o.baseAddress!, rows)
                                }
                            }
                        }
                        if format == 0 { floats.withUnsafeBytes { run($0.baseAddress!) } } else { halves.withUnsafeBytes { run($0.baseAddress!) } }
                        return out
                    }
                    let expected = scan(.portable)
                    if format == 0 {
                        for q in 0..<queryCount {
                            for r in 0..<rows {
                                var acc: Float = 0
                                for j in 0..<d { acc.addProduct(floats[(r / 16) * d * 16 + j * 16 + r % 16], queries[q * d + j]) }
                                let got = expected[q * rows + r]
                                XCTAssertTrue(got.bitPattern == acc.bitPattern || (got.isNaN && acc.isNaN), "portable d=\(d) q=\(q) row \(r)")
                            }
                        }
                    }
                    for kernels in TestData.paths {
                        let actual = scan(kernels)
                        let same = zip(actual, expected).allSatisfy { $0.bitPattern == $1.bitPattern || ($0.isNaN && $1.isNaN) }
                        XCTAssertTrue(same, "float scan format \(format) d=\(d) nq=\(queryCount) \(kernels)")
                    }
                }
            }
        }
    }

    func testSelectionKernelsAgree() {
        var rng = SplitMix64(seed: 7)
        for n in [0, 1, 15, 16, 17, 100, 1000] {
            let ints = (0..<n).map { _ in Int32.random(in: -50...50, using: &rng) }
            let floats = ints.map { Float($0) / 7 }
            let expectedInts = ints.indices.filter { ints[$0] > 3 }.map(Int32.init)
            let expectedFloats = floats.indices.filter { floats[$0] > 0.5 }.map(Int32.init)
            for path in TestData.paths {
                var indices = [Int32](repeating: -1, count: n + 1)
                let found = ints.withUnsafeBufferPointer { keys in
                    indices.withUnsafeMutableBufferPointer {
                        BlockKernels.selectAbove(path, keys.baseAddress ?? UnsafePointer(bitPattern: 64)!, n, 3, $0.baseAddress!)
                    }
                }
                XCTAssertEqual(Array(indices.prefix(found)), expectedInts, "n=\(n) \(path)")
                let foundFloats = floats.withUnsafeBufferPointer { keys in
                    indices.withUnsafeMutableBufferPointer {
                        BlockKernels.selectAbove(path, keys.baseAddress ?? UnsafePointer(bitPattern: 64)!, n, 0.5, $0.baseAddress!)
                    }
                }
                XCTAssertEqual(Array(indices.prefix(foundFloats)), expectedFloats, "n=\(n) \(path)")
            }
        }
    }
}
