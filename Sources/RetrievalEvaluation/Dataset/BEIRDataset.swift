import Foundation

/// A retrieval dataset in the BEIR / MTEB folder layout:
///
/// ```
/// <folder>/corpus.jsonl        {"_id", "title", "text"} per line
/// <folder>/queries.jsonl       {"_id", "text"} per line
/// <folder>/qrels/<split>.tsv   header, then query-id <TAB> corpus-id <TAB> integer score
/// ```
///
/// `_id` may be a JSON string or integer; it is kept as a string either way.
public struct BEIRDataset: Sendable {
    /// The dataset's name: the folder's last path component (e.g. `scifact`).
    public var name: String
    /// The qrels split that was loaded (e.g. `test`).
    public var split: String
    /// Every corpus document, in file order.
    public var documents: [CorpusDocument]
    /// Every query of `queries.jsonl`, in file order, judged in this split or not.
    public var queries: [DatasetQuery]
    /// The split's relevance judgments.
    public var judgments: RelevanceJudgments

    /// Creates a dataset from its parts (for tests and synthetic data).
    public init(
        name: String, split: String, documents: [CorpusDocument], queries: [DatasetQuery],
        judgments: RelevanceJudgments
    ) {
        self.name = name
        self.split = split
        self.documents = documents
        self.queries = queries
        self.judgments = judgments
    }

    /// The queries that are evaluated: those with judgments in the split, in the order the qrels
    /// first judge them (as BEIR's loader keeps them).
    public var evaluationQueries: [DatasetQuery] {
        let byID = Dictionary(queries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        return judgments.queryIDs.compactMap { byID[$0] }
    }

    /// Loads the dataset in `folder` with the judgments of `split`.
    ///
    /// - Throws: ``DatasetError`` naming the file (and line) when a file is missing or
    ///   unreadable, a record is malformed, an `_id` repeats, or the qrels judge a query that
    ///   `queries.jsonl` lacks.
    public static func load(from folder: URL, split: String = "test") throws(DatasetError) -> BEIRDataset {
        let qrelsURL = folder.appendingPathComponent("qrels").appendingPathComponent("\(split).tsv")
        let (judgments, firstLines) = try QrelsParser.parseWithLineNumbers(contentsOf: qrelsURL)

        var queries: [DatasetQuery] = []
        var queryIDs = Set<String>()
        try JSONLinesReader.read(folder.appendingPathComponent("queries.jsonl")) { record, _ in
            queries.append(DatasetQuery(id: record.id.value, text: record.text))
            queryIDs.insert(record.id.value)
        }
        for queryID in judgments.queryIDs where !queryIDs.contains(queryID) {
            throw .unknownQuery(path: qrelsURL.path, line: firstLines[queryID] ?? 0, queryID: queryID)
        }

        var documents: [CorpusDocument] = []
        try JSONLinesReader.read(folder.appendingPathComponent("corpus.jsonl")) { record, _ in
            documents.append(CorpusDocument(id: record.id.value, title: record.title ?? "", text: record.text))
        }
        return BEIRDataset(
            name: folder.standardizedFileURL.lastPathComponent, split: split, documents: documents,
            queries: queries, judgments: judgments)
    }
}
