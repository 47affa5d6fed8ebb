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
///   (float32, int8, …, in memory, memory-mapped or read with `pread` from an index file); the
///   bound adds RaBitQ's error bound `errorFactor · ε₀ · ‖q'‖`, so the rescored top `k` is the
///   finer codes' own top `k` with high probability, while only the candidates are read.
///
/// ``candidateMultiplier`` deepens the bar: the `k × candidateMultiplier`-th best lower bound
/// instead of the `k`-th, so at least that many rows (when allowed) are refined; with
/// `k × candidateMultiplier ≥` the allowed rows every allowed row is refined (an exact search of
/// the refinement's scores).
public struct RaBitQSearchParameters: Sendable {
    /// What refines the scan's candidates.
    public enum Refinement: Sendable {
        /// The scan's estimates are the scores.
        case estimate
        /// The float query against the same RaBitQ codes.
        case floatQuery
        /// The float query against finer codes of the same rows, one row per row of the index
        /// (scored by ``AsymmetricScorer``; e.g. ``StoredCodes``, or an index file's codes read
        /// with `pread`).
        case exact(any RefinementCodes)
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
    /// The rank of the bar, in multiples of `k` (≥ 1): candidates are the rows whose upper bound
    /// reaches the `k × candidateMultiplier`-th best lower bound. 1 is RaBitQ's rule; larger
    /// refines more rows (at least `k × candidateMultiplier` when that many are allowed). Not
    /// used by ``Refinement/estimate``.
    public var candidateMultiplier: Int

    /// Creates parameters (defaults: 4-bit query, refinement with the float query, ε₀ = 1.9, 4 σ,
    /// the bar at the `k`-th lower bound).
    public init(
        queryBits: Int = 4, refinement: Refinement = .floatQuery,
        errorMultiplier: Float = RaBitQCodes.defaultErrorMultiplier, queryErrorMultiplier: Float = 4,
        candidateMultiplier: Int = 1
    ) {
        self.queryBits = queryBits
        self.refinement = refinement
        self.errorMultiplier = errorMultiplier
        self.queryErrorMultiplier = queryErrorMultiplier
        self.candidateMultiplier = candidateMultiplier
    }
}

/// What one query's search did: rows scanned (rows of blocks the filter skips are not),
/// candidates whose bound reached the bar, refined.
public struct RaBitQSearchStatistics: Sendable, Equatable {
    /// Rows estimated by the scan (every row, less the blocks of 16 rows a filter allows none of).
    public var rowsScanned: Int
    /// Candidates refined (at most ``rowsScanned``).
    public var candidatesRefined: Int

    /// Creates statistics.
    public init(rowsScanned: Int = 0, candidatesRefined: Int = 0) {
        self.rowsScanned = rowsScanned
        self.candidatesRefined = candidatesRefined
    }
}
