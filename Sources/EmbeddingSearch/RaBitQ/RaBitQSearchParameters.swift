import EmbeddingQuantization

/// How a ``RaBitQIndex`` scans and refines.
///
/// The scan quantizes the rotated query to ``queryBits`` bit-planes and estimates every row at
/// popcount speed. Each estimate carries an error bound; only rows whose upper bound reaches the
/// `k`-th best lower bound become candidates, and only those are refined:
/// - ``Refinement/estimate``: no refinement, the scan's estimates rank the rows;
/// - ``Refinement/floatQuery``: candidates re-estimated with the float query against the same
///   codes (in memory); the bound covers only the query's quantization, so the result is the
///   float-query estimator's top `k` (with high probability) at the scan's speed;
/// - ``Refinement/exact(_:)``: candidates rescored with the float query against finer codes
///   (float32, int8, …, possibly memory-mapped from disk); the bound adds RaBitQ's error bound
///   `errorFactor · ε₀ · ‖q'‖`, so the rescored top `k` is the finer codes' own top `k` with high
///   probability, while only the candidates are read.
public struct RaBitQSearchParameters: Sendable {
    /// What refines the scan's candidates.
    public enum Refinement: Sendable {
        /// The scan's estimates are the scores.
        case estimate
        /// The float query against the same RaBitQ codes.
        case floatQuery
        /// The float query against finer codes of the same rows (scored by ``AsymmetricScorer``).
        case exact(StoredCodes)
    }

    /// Bits of the quantized query (1 … 8; 4 is RaBitQ's default: its error is far below the
    /// codes').
    public var queryBits: Int
    /// What refines the candidates.
    public var refinement: Refinement
    /// ε₀ of RaBitQ's bound on the codes' error (used by ``Refinement/exact(_:)``).
    public var errorMultiplier: Float
    /// Standard deviations of the query-quantization error the bound allows (rounding errors
    /// taken as independent and uniform).
    public var queryErrorMultiplier: Float

    /// Creates parameters (defaults: 4-bit query, refinement with the float query, ε₀ = 1.9, 4 σ).
    public init(
        queryBits: Int = 4, refinement: Refinement = .floatQuery,
        errorMultiplier: Float = RaBitQCodes.defaultErrorMultiplier, queryErrorMultiplier: Float = 4
    ) {
        self.queryBits = queryBits
        self.refinement = refinement
        self.errorMultiplier = errorMultiplier
        self.queryErrorMultiplier = queryErrorMultiplier
    }
}

/// What one query's search did: rows scanned, candidates whose bound reached the `k`-th, refined.
public struct RaBitQSearchStatistics: Sendable, Equatable {
    /// Rows estimated by the scan.
    public var rowsScanned: Int
    /// Candidates refined (at most ``rowsScanned``).
    public var candidatesRefined: Int

    /// Creates statistics.
    public init(rowsScanned: Int = 0, candidatesRefined: Int = 0) {
        self.rowsScanned = rowsScanned
        self.candidatesRefined = candidatesRefined
    }
}
