/// Errors raised when rankings cannot be evaluated.
public enum EvaluationError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A metric with a cutoff below 1.
    case invalidCutoff(RankingMetric)
    /// A ranking lists the same document twice (trec_eval rejects this too).
    case duplicateDocument(queryID: String, documentID: String)
    /// A ranking holds a NaN or infinite score, which has no place in a ranking.
    case nonFiniteScore(queryID: String, documentID: String)
    /// The judgments hold no query, so there is nothing to average over.
    case noJudgedQueries

    /// A one-line message saying what is wrong and for which query and document.
    public var description: String {
        switch self {
        case .invalidCutoff(let metric):
            return "invalid metric \(metric): the cutoff must be at least 1"
        case .duplicateDocument(let queryID, let documentID):
            return "the ranking of query '\(queryID)' lists document '\(documentID)' more than once"
        case .nonFiniteScore(let queryID, let documentID):
            return "the ranking of query '\(queryID)' gives document '\(documentID)' a non-finite score"
        case .noJudgedQueries:
            return "no judged queries: relevance judgments are empty"
        }
    }
}
