/// One document of a retrieval corpus (a record of `corpus.jsonl`).
public struct CorpusDocument: Hashable, Sendable {
    /// The document identifier (`_id`), as a string even when the file holds a JSON number.
    public var id: String
    /// The title; empty when the record has none.
    public var title: String
    /// The body text.
    public var text: String

    /// Creates a document.
    public init(id: String, title: String = "", text: String) {
        self.id = id
        self.title = title
        self.text = text
    }

    /// The text to encode, as MTEB builds it: `title + " " + text` with leading and trailing
    /// whitespace removed as Python's `str.strip()` does; with an empty title that is the
    /// stripped text alone.
    public var contents: String {
        PythonWhitespace.strip(title + " " + text)
    }
}

/// One query of a retrieval dataset (a record of `queries.jsonl`).
public struct DatasetQuery: Hashable, Sendable {
    /// The query identifier (`_id`), as a string even when the file holds a JSON number.
    public var id: String
    /// The query text.
    public var text: String

    /// Creates a query.
    public init(id: String, text: String) {
        self.id = id
        self.text = text
    }
}
