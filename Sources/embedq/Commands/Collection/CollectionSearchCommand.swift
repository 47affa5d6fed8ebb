import ArgumentParser
import EmbedQ

/// `embedq collection search DIR (--queries Q.npy | --query-text T) -k K [--rescore M] [--filter JSON]
/// [--ef E | --exact] [--json]`.
struct CollectionSearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Search a collection (one consistent snapshot), optionally filtered by payload.",
        discussion: """
            --filter takes Qdrant's filter syntax, inline or as @FILE: {"must": [...], "should": [...], \
            "must_not": [...]} with {"key": K, "match": {"value": V}}, {"key": K, "match": {"any": [...]}} \
            and {"key": K, "range": {"gte": N, "lt": N}} conditions. In a collection created with \
            --index hnsw, the segments are searched through their graphs, max(--ef, k × --rescore) \
            wide (a filter allowing under 2 % of a segment's rows scans them exactly); --exact scans \
            every segment. Otherwise results are exact.
            With --json, one line per query: {"query", "hits": [{"id", "score", "payload"}]}.
            """)

    @Argument(help: "The collection directory.")
    var directory: String

    @Option(name: .long, help: "Float query embeddings .npy (m × d).")
    var queries: String?

    @Option(name: .long, help: "A query text (repeatable), encoded with the collection's recorded model.")
    var queryText: [String] = []

    @Option(name: .long, help: "With --query-text: the model to encode with (refused unless it is the recorded one).")
    var model: String?

    @Option(name: .short, help: "Hits per query.")
    var k: Int = 10

    @Option(name: .customLong("rescore"), help: "Rescore the best k × M candidates with the finer codes.")
    var rescoreMultiplier: Int?

    @Option(name: .long, help: "A payload filter (JSON, or @FILE).")
    var filter: String?

    @Option(name: .long, help: "Graph collections: candidates the walk keeps (default 64; at least k × --rescore).")
    var ef: Int?

    @Flag(name: .long, help: "Graph collections: scan every segment exactly instead of walking its graph.")
    var exact = false

    @Option(name: .long, help: "Threads per scan (default: every core).")
    var threads: Int?

    @Flag(name: .long, help: "One JSON line per query.")
    var json = false

    struct Hit: Encodable {
        var id: String
        var score: SearchOutput.Score
        var payload: Payload?
    }

    struct Line: Encodable {
        var query: Int
        var hits: [Hit]
    }

    func validate() throws {
        guard (queries == nil) != queryText.isEmpty else { throw ValidationError("give either --queries Q.npy or --query-text TEXT") }
        guard ef == nil || !exact else { throw ValidationError("give --ef or --exact, not both") }
        if let ef, ef < 1 { throw ValidationError("--ef must be at least 1, got \(ef)") }
    }

    func run() throws {
        let payloadFilter = try filter.map(CollectionInput.filter)
        let collection = try VectorCollection(opening: directory, writable: false)
        let embeddings: EmbeddingMatrix
        if let queries {
            embeddings = try EmbeddingMatrix(contentsOfNPY: queries)
        } else {
            let encoder = try CollectionText.encoder(recorded: collection.configuration.model, given: model, directory: directory)
            embeddings = try encoder.encodeMatrix(queryText)
        }
        let results = try collection.snapshot().search(
            embeddings, k: k, filter: payloadFilter, rescoreMultiplier: rescoreMultiplier, ef: ef, exact: exact, threads: threads,
            payloads: json)
        let label = results.metric == .hammingDistance ? "distance" : "score"
        for (query, hits) in results.hits.enumerated() {
            if json {
                try JSONOutput.printLine(Line(query: query, hits: hits.map { Hit(id: $0.id, score: SearchOutput.Score($0.score), payload: $0.payload) }))
            } else {
                var block = "query \(query):\n"
                for (rank, hit) in hits.enumerated() { block += "  \(rank + 1). \(hit.id)  \(label) \(SearchOutput.Score(hit.score))\n" }
                print(block, terminator: "")
            }
        }
    }
}
