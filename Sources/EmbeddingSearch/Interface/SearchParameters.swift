/// How one search runs: which rows may be returned, on how many threads, and how many candidates
/// a refine stage rescores. Every ``VectorIndex`` takes the same parameters.
public struct SearchParameters: Sendable {
    /// The rows that may be returned; `nil` allows every row. Applied inside the scan, so the
    /// hits are the exact best among the allowed rows at any selectivity.
    public var filter: RowFilter?
    /// Threads to use (≥ 1); `nil` uses every core.
    public var threads: Int?
    /// Candidates per hit that a refine stage rescores (`k × rescoreMultiplier`, ≥ 1). `nil` keeps
    /// the index's own choice: a ``RefineIndex``'s ``RefineIndex/multiplier``; no rescoring for an
    /// index file. Indexes without a refine stage ignore it.
    public var rescoreMultiplier: Int?
    /// Candidates a graph index keeps while it searches (HNSW's `ef`, ≥ 1): larger is slower and
    /// finds more of the exact hits; at least the allowed rows makes the search exact. `nil` keeps
    /// the index's own choice. Exact indexes ignore it.
    public var ef: Int?

    /// Creates parameters; the defaults allow every row, use every core and keep the index's
    /// own rescoring and graph search choices.
    public init(filter: RowFilter? = nil, threads: Int? = nil, rescoreMultiplier: Int? = nil, ef: Int? = nil) {
        self.filter = filter
        self.threads = threads
        self.rescoreMultiplier = rescoreMultiplier
        self.ef = ef
    }
}
