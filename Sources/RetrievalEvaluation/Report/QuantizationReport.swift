/// The quantization report: how much retrieval quality each precision keeps, for how much
/// memory and time, measured against a float32 baseline on one dataset and model.
///
/// Render it with ``markdown()``, ``json()`` or ``html()``.
public struct QuantizationReport: Sendable {
    /// The dataset's name, e.g. `scifact`.
    public let dataset: String
    /// The model's name, e.g. `all-MiniLM-L6-v2`.
    public let model: String
    /// The measured rows, in display order.
    public let results: [QuantizationResult]
    /// The name of the row that retention, compression and speed-up are relative to.
    public let baselineName: String

    /// Creates a report after checking its rows.
    ///
    /// - Throws: ``ReportError`` when there are no rows, no row is named `baselineName`, two rows
    ///   share a name, or a value is out of range (metrics outside 0...1, non-finite values, a
    ///   byte count not above zero, a negative time).
    public init(
        dataset: String, model: String, results: [QuantizationResult], baselineName: String = "float32"
    ) throws(ReportError) {
        guard !results.isEmpty else { throw .noResults }
        var names = Set<String>()
        for result in results {
            guard names.insert(result.name).inserted else { throw .duplicateName(result.name) }
            let metrics = [
                ("ndcg@10", result.ndcgAt10), ("recall@10", result.recallAt10),
                ("recall@100", result.recallAt100), ("mrr@10", result.mrrAt10),
            ]
            for (field, value) in metrics where !(value.isFinite && (0...1).contains(value)) {
                throw .invalidValue(row: result.name, field: field, value: value)
            }
            if !(result.bytesPerVector.isFinite && result.bytesPerVector > 0) {
                throw .invalidValue(row: result.name, field: "bytes_per_vector", value: result.bytesPerVector)
            }
            if !(result.millisecondsPerQuery.isFinite && result.millisecondsPerQuery >= 0) {
                throw .invalidValue(row: result.name, field: "ms_per_query", value: result.millisecondsPerQuery)
            }
        }
        guard names.contains(baselineName) else { throw .missingBaseline(name: baselineName) }
        self.dataset = dataset
        self.model = model
        self.results = results
        self.baselineName = baselineName
    }

    /// The baseline row.
    public var baseline: QuantizationResult {
        results.first { $0.name == baselineName }!
    }

    /// NDCG@10 of `result` as a percentage of the baseline's; `nil` when the baseline's is 0.
    public func retentionPercent(of result: QuantizationResult) -> Double? {
        baseline.ndcgAt10 > 0 ? 100 * result.ndcgAt10 / baseline.ndcgAt10 : nil
    }

    /// How many times smaller than the baseline's a vector of `result` is (32 for binary).
    public func compression(of result: QuantizationResult) -> Double {
        baseline.bytesPerVector / result.bytesPerVector
    }

    /// How many times faster than the baseline a query of `result` runs; `nil` when either time
    /// is 0.
    public func speedUp(of result: QuantizationResult) -> Double? {
        guard result.millisecondsPerQuery > 0, baseline.millisecondsPerQuery > 0 else { return nil }
        return baseline.millisecondsPerQuery / result.millisecondsPerQuery
    }
}
