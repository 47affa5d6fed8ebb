import EmbedQ

/// Search results on standard output, for `.npy` corpora (rows) and index files (ids): a text
/// block per query, or with `--json` one line per query, `{"hits":[{"row":R,"score":S},…],"query":Q}`
/// (`"id"` instead of `"row"` for index files). Scores: whole numbers as integers, others as
/// their shortest float32 spelling.
enum SearchOutput {
    /// Prints the hits of a `.npy` corpus search (rows).
    static func print(_ results: SearchResults, json: Bool) throws {
        try print(results.hits.map { $0.map { Hit(row: $0.row, id: nil, score: Score($0.score)) } }, metric: results.metric, json: json)
    }

    /// Prints the hits of an index file search (document ids).
    static func print(_ results: DocumentResults, json: Bool) throws {
        try print(results.hits.map { $0.map { Hit(row: nil, id: $0.id, score: Score($0.score)) } }, metric: results.metric, json: json)
    }

    /// One hit as printed: a row or an id, and the score.
    struct Hit: Encodable {
        var row: Int?
        var id: String?
        var score: Score
    }

    /// One query's line of `--json` output.
    struct Line: Encodable {
        var query: Int
        var hits: [Hit]
    }

    /// A score printed exactly: an integer when whole, else the float32 value it is.
    struct Score: Encodable, CustomStringConvertible {
        var value: Double

        init(_ value: Double) { self.value = value }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            if let whole = wholeNumber { try container.encode(whole) } else { try container.encode(Float(value)) }
        }

        var description: String { wholeNumber.map(String.init) ?? "\(Float(value))" }

        private var wholeNumber: Int64? {
            value == value.rounded() && abs(value) < 9e15 ? Int64(value) : nil
        }
    }

    private static func print(_ lists: [[Hit]], metric: Metric, json: Bool) throws {
        let label = metric == .hammingDistance ? "distance" : "score"
        for (query, hits) in lists.enumerated() {
            if json {
                try JSONOutput.printLine(Line(query: query, hits: hits))
                continue
            }
            var block = "query \(query):\n"
            for (rank, hit) in hits.enumerated() {
                block += "  \(rank + 1). \(hit.id ?? "row \(hit.row ?? 0)")  \(label) \(hit.score)\n"
            }
            Swift.print(block, terminator: "")
        }
    }
}
