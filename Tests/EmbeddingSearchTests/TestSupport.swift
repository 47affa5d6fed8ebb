import EmbedQTestSupport
import EmbeddingQuantization
@testable import EmbeddingSearch

/// The shared seeded generator (SplitMix64) under this target's old name.
typealias SplitMix64 = EmbedQTestSupport.SeededGenerator

enum TestData {
    /// `rows × d` floats uniform in −1 ... 1.
    static func matrix(rows: Int, dimension d: Int, seed: UInt64) -> EmbeddingMatrix {
        var rng = SplitMix64(seed: seed)
        let values = (0..<(rows * d)).map { _ in Float.random(in: -1...1, using: &rng) }
        return try! EmbeddingMatrix(rowCount: rows, dimension: d, values: values)
    }

    /// Random codes of `precision`: random bytes for integer and bit codes (padding included,
    /// which the search must ignore), encoded random floats for float precisions.
    static func codes(_ precision: Precision, rows: Int, dimension d: Int, seed: UInt64) -> QuantizedEmbeddings {
        var rng = SplitMix64(seed: seed)
        let count = rows * precision.bytesPerVector(dimension: d)
        var bytes: [UInt8]
        switch precision {
        case .float32, .float16, .bfloat16:
            let floats = (0..<(rows * d)).map { _ in Float.random(in: -1...1, using: &rng) }
            bytes = []
            for value in floats {
                switch precision {
                case .float32: withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes += $0 }
                case .float16: withUnsafeBytes(of: HalfPrecision.float16Bits(from: value).littleEndian) { bytes += $0 }
                default: withUnsafeBytes(of: HalfPrecision.bfloat16Bits(from: value).littleEndian) { bytes += $0 }
                }
            }
        default:
            bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &rng) }
        }
        return try! QuantizedEmbeddings(precision: precision, rowCount: rows, dimension: d, codes: bytes)
    }

    /// Codes with few distinct values, so that many rows tie.
    static func tiedCodes(_ precision: Precision, rows: Int, dimension d: Int, seed: UInt64) -> QuantizedEmbeddings {
        var rng = SplitMix64(seed: seed)
        let distinct = codes(precision, rows: 3, dimension: d, seed: seed)
        let width = precision.bytesPerVector(dimension: d)
        var bytes = [UInt8]()
        for _ in 0..<rows {
            let pick = Int.random(in: 0..<3, using: &rng)
            bytes += distinct.codes[(pick * width)..<((pick + 1) * width)]
        }
        return try! QuantizedEmbeddings(precision: precision, rowCount: rows, dimension: d, codes: bytes)
    }

    /// The precisions a ``FlatIndex`` searches (every one but the RaBitQ family, which
    /// ``RaBitQIndex`` searches).
    static var flatPrecisions: [Precision] { Precision.allCases.filter { $0.rabitqCodeBits == nil } }

    /// The kernel tables the running CPU allows, portable first (every variant tests must run).
    static var paths: [KernelTable] { KernelTable.availableLevels }
}

extension FlatIndex {
    /// This index pinned to one kernel table.
    func using(_ kernels: KernelTable) -> FlatIndex {
        var copy = self
        copy.kernels = kernels
        return copy
    }
}
