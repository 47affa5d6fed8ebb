import EmbeddingQuantization

/// One row of the quantization matrix: how the corpus is stored and how a float32 query is
/// scored against it.
public enum RetrievalPipeline: Hashable, Sendable, CustomStringConvertible {
    /// Float query against a float corpus (`float32`, `float16`, `bfloat16`), float32 dot products.
    case float(Precision)
    /// The query quantized like the corpus, codes × codes (`int8`, `uint8`, `int4`, `ternary`:
    /// integer dot product; `binary`: Hamming distance), as sentence-transformers searches.
    case symmetric(Precision)
    /// Float query against the dequantized codes (`int8`, `uint8`, `int4`, `ternary`).
    case asymmetric(Precision)
    /// `binary` Hamming search for `k × multiplier` candidates, rescored by the float query
    /// against `codes` (`binary` as ±1, as sentence-transformers rescores, or `int8`).
    case binaryRescore(multiplier: Int, codes: Precision)

    /// The row's name in reports: `float32`, `int8`, `int8 asymmetric`, `ternary × ternary`,
    /// `float × ternary`, `binary + rescore ×4`, `binary → int8 ×10`, …
    public var description: String {
        switch self {
        case .float(let precision): return precision.rawValue
        case .symmetric(.ternary): return "ternary × ternary"
        case .symmetric(let precision): return precision.rawValue
        case .asymmetric(.ternary): return "float × ternary"
        case .asymmetric(let precision): return "\(precision.rawValue) asymmetric"
        case .binaryRescore(let multiplier, .binary): return "binary + rescore ×\(multiplier)"
        case .binaryRescore(let multiplier, let codes): return "binary → \(codes.rawValue) ×\(multiplier)"
        }
    }

    /// Bytes stored per corpus vector that the search reads: the codes, plus the rescoring codes
    /// when they differ from the bits (an index file keeps those memory-mapped, on disk).
    public func bytesPerVector(dimension: Int) -> Int {
        switch self {
        case .float(let precision), .symmetric(let precision), .asymmetric(let precision):
            return precision.bytesPerVector(dimension: dimension)
        case .binaryRescore(_, let codes):
            let bits = Precision.binary.bytesPerVector(dimension: dimension)
            return codes == .binary ? bits : bits + codes.bytesPerVector(dimension: dimension)
        }
    }

    /// The matrix of issue 6, in display order.
    public static let standardMatrix: [RetrievalPipeline] = [
        .float(.float32), .float(.float16), .float(.bfloat16),
        .symmetric(.int8), .asymmetric(.int8), .symmetric(.uint8), .asymmetric(.int4),
        .symmetric(.ternary), .asymmetric(.ternary),
        .symmetric(.binary), .binaryRescore(multiplier: 4, codes: .binary),
        .binaryRescore(multiplier: 1, codes: .int8), .binaryRescore(multiplier: 4, codes: .int8),
        .binaryRescore(multiplier: 10, codes: .int8),
    ]
}
