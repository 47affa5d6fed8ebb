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
    /// RaBitQ-family codes of `bits` bits per dimension (``RaBitQIndex``) searched with a float
    /// query, refined as `refinement` says.
    case rabitq(bits: Int, refinement: RaBitQRowRefinement)

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
        case .rabitq(let bits, .scan(let queryBits)): return "rabitq\(bits) (\(queryBits)-bit query scan)"
        case .rabitq(let bits, .floatQuery): return "rabitq\(bits)"
        case .rabitq(let bits, .exact(let codes)): return "rabitq\(bits) → \(codes.rawValue) (bound)"
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
        case .rabitq(let bits, let refinement):
            let own = (Precision.rabitq(bits: bits) ?? .rabitq1).bytesPerVector(dimension: dimension)
            if case .exact(let codes) = refinement { return own + codes.bytesPerVector(dimension: dimension) }
            return own
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

    /// The RaBitQ rows (issue 16): 1-bit codes ranked by the 4-bit-query scan alone, 1 … 4-bit
    /// codes refined with the float query (in memory), and 1-bit codes whose error bound decides
    /// which candidates are rescored with int8 codes.
    public static let rabitqMatrix: [RetrievalPipeline] = [
        .rabitq(bits: 1, refinement: .scan(queryBits: 4)),
        .rabitq(bits: 1, refinement: .floatQuery), .rabitq(bits: 2, refinement: .floatQuery),
        .rabitq(bits: 3, refinement: .floatQuery), .rabitq(bits: 4, refinement: .floatQuery),
        .rabitq(bits: 1, refinement: .exact(.int8)),
    ]

    /// The rows measured on a projection head's outputs (`embedq eval --head`): binary,
    /// ternary × ternary and 1-bit RaBitQ, plus the head's own RaBitQ width when it was made for
    /// 2 … 4-bit codes (for example a 192-component PCA head for `rabitq2`: 56 bytes per vector).
    public static func headRows(for precision: Precision?) -> [RetrievalPipeline] {
        var rows: [RetrievalPipeline] = [.symmetric(.binary), .symmetric(.ternary), .rabitq(bits: 1, refinement: .floatQuery)]
        if let bits = precision?.rabitqCodeBits, bits > 1 { rows.append(.rabitq(bits: bits, refinement: .floatQuery)) }
        return rows
    }

    /// The seed of the RaBitQ rotation the evaluation draws (fixed, so reports repeat).
    public static let rabitqSeed: UInt64 = 0x5EED_0016
}

/// How a RaBitQ row refines the scan (see ``RaBitQSearchParameters/Refinement``).
public enum RaBitQRowRefinement: Hashable, Sendable {
    /// The popcount scan's estimates with a query of this many bits, no refinement.
    case scan(queryBits: Int)
    /// Candidates whose bound reaches the k-th re-estimated with the float query (in memory).
    case floatQuery
    /// Candidates whose RaBitQ error bound reaches the k-th rescored with these finer codes.
    case exact(Precision)
}
