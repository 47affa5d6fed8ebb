/// Graded relevance judgments (qrels): for each query, the judged documents and their grades.
///
/// Grades are integers as in TREC / BEIR qrels files. A grade of 0 or below means *judged not
/// relevant*: such documents count neither as hits nor towards the ideal ranking.
public struct RelevanceJudgments: Equatable, Sendable {
    /// The judged query identifiers, in the order they first appear in the qrels.
    public private(set) var queryIDs: [String]
    private var grades: [String: [String: Int]]

    /// Creates judgments from `query id → (document id → grade)`; queries are ordered by
    /// identifier (byte-wise), so the order does not depend on dictionary hashing.
    public init(_ grades: [String: [String: Int]]) {
        self.grades = grades
        self.queryIDs = grades.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// Creates empty judgments; add grades with ``setGrade(_:queryID:documentID:)``.
    public init() {
        self.grades = [:]
        self.queryIDs = []
    }

    /// Records `grade` for (`queryID`, `documentID`); a later grade for the same pair replaces
    /// the earlier one, as BEIR's loader does when a qrels file repeats a pair.
    public mutating func setGrade(_ grade: Int, queryID: String, documentID: String) {
        if grades[queryID] == nil { queryIDs.append(queryID) }
        grades[queryID, default: [:]][documentID] = grade
    }

    /// The judged documents of `queryID` and their grades, or `nil` when the query is not judged.
    public subscript(queryID: String) -> [String: Int]? {
        grades[queryID]
    }

    /// The number of judged queries.
    public var queryCount: Int { queryIDs.count }

    /// The number of (query, document) judgments, relevant or not.
    public var judgmentCount: Int { grades.values.reduce(0) { $0 + $1.count } }

    /// The number of documents judged relevant (grade ≥ 1) for `queryID`.
    public func relevantDocumentCount(for queryID: String) -> Int {
        grades[queryID]?.values.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } ?? 0
    }
}
