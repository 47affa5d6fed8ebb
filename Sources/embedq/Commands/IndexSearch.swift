import EmbedQ
import Foundation

/// `embedq search INDEX …`: searches an index file (recognized by its magic) with float queries
/// from a `.npy` file or with texts encoded by the model the index records.
struct IndexSearch {
    /// The index file.
    var path: String
    /// Float32 queries `.npy` (m × d), if given.
    var queries: String?
    /// Query texts, encoded with the index's model.
    var queryTexts: [String]
    /// Hits per query.
    var k: Int
    /// Candidates per hit to rescore, or `nil` for the fast codes' scores.
    var rescore: Int?
    /// Threads of the first stage (`nil`: every core).
    var threads: Int?
    /// One JSON object per query instead of text.
    var json: Bool

    func run() throws {
        guard (queries == nil) != queryTexts.isEmpty else {
            throw CommandFailure("searching an index needs either --queries Q.npy or --query-text TEXT (not both)")
        }
        let openStart = ContinuousClock.now
        let index = try SearchableIndex(path: path)
        let openTime = seconds(since: openStart)
        IndexInput.log("opened \(path): \(index.count) documents, \(index.fastPrecision.rawValue) in memory (\(ResidentMemory.summary())), in \(openTime)")
        let matrix = try queryMatrix(index)
        let searchStart = ContinuousClock.now
        let results = try index.search(matrix, k: k, rescoreMultiplier: rescore, threads: threads)
        let elapsed = ContinuousClock.now - searchStart
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        IndexInput.log(String(
            format: "searched %d queries in %.3f ms (%.3f ms/query, k = %d, %@)", matrix.rowCount, milliseconds,
            matrix.rowCount > 0 ? milliseconds / Double(matrix.rowCount) : 0, k,
            rescore.map { "rescored ×\($0)" } ?? "no rescoring"))
        IndexInput.log("memory after searching: \(ResidentMemory.summary())")
        FileHandle.standardOutput.write(Data(Self.render(results, metric: index.metric(rescoring: rescore != nil), json: json).utf8))
    }

    /// The float queries: read from `.npy`, or the texts encoded with the index's model.
    private func queryMatrix(_ index: SearchableIndex) throws -> EmbeddingMatrix {
        if let queries {
            return try IndexInput.embeddings(queries)
        }
        guard let metadata = index.metadata, let model = metadata.modelPath.flatMap(Self.existingFolder) ?? metadata.modelName else {
            throw CommandFailure("\(path): the index records no model; build it with --model M to search with --query-text")
        }
        // An index built with --dimensions N holds the first N dimensions: truncate the queries
        // alike (re-normalized, as the order of inner products does not depend on the query's norm).
        let encoder = try SentenceEncoder(model: model, threadCount: threads)
        let vectors = try EmbeddingMatrix(rows: try encoder.encode(queryTexts), dimension: encoder.dimension)
        return index.dimension < vectors.dimension ? try vectors.truncated(to: index.dimension, normalize: true) : vectors
    }

    private static func existingFolder(_ path: String) -> String? {
        FileManager.default.fileExists(atPath: path) ? path : nil
    }

    /// Text (one block per query) or JSON lines `{"query": Q, "hits": [{"id": "ID", "score": S}, …]}`.
    static func render(_ results: [[IndexHit]], metric: Metric, json: Bool) -> String {
        var output = ""
        let label = metric == .hammingDistance ? "distance" : "score"
        for (query, hits) in results.enumerated() {
            if json {
                let items = hits.map { "{\"id\": \(jsonString($0.id)), \"score\": \(SearchCommand.number($0.score))}" }
                output += "{\"query\": \(query), \"hits\": [\(items.joined(separator: ", "))]}\n"
            } else {
                output += "query \(query):\n"
                for (rank, hit) in hits.enumerated() {
                    output += "  \(rank + 1). \(hit.id)  \(label) \(SearchCommand.number(hit.score))\n"
                }
            }
        }
        return output
    }

    /// `value` as a JSON string literal.
    static func jsonString(_ value: String) -> String {
        var result = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
