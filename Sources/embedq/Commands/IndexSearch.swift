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
    /// Graph search breadth (`nil`: the graph's default).
    var ef: Int?
    /// Scan every row even when the index has a graph.
    var exact: Bool
    /// Search threads (`nil`: every core).
    var threads: Int?
    /// One JSON object per query instead of text.
    var json: Bool

    func run() throws {
        guard (queries == nil) != queryTexts.isEmpty else {
            throw CommandFailure("searching an index needs either --queries Q.npy or --query-text TEXT (not both)")
        }
        let openStart = ContinuousClock.now
        let index = try SearchableIndex(path: path, useGraph: !exact)
        let openTime = seconds(since: openStart)
        let scan = index.fastPrecision.rabitqCodeBits != nil ? ", RaBitQ scan (error-bound candidates refined)" : ", exact scan"
        let walk = index.graph.map { " through its graph (M \($0.connectivity), ef \(ef ?? HNSWIndex.standardEf))" } ?? scan
        StandardError.log("opened \(path): \(index.count) documents, \(index.fastPrecision.rawValue) in memory\(walk) (\(ResidentMemory.summary())), in \(openTime)")
        if ef != nil, index.graph == nil, !exact {
            StandardError.warn("\(path) has no graph (build one with `embedq index graph`): --ef is ignored, every row is scanned")
        }
        let parameters = SearchParameters(threads: threads, rescoreMultiplier: rescore, ef: ef)
        let searchStart = ContinuousClock.now
        let results: SearchResults
        if let queries {
            results = try index.search(EmbeddingMatrix(contentsOfNPY: queries), k: k, parameters: parameters)
        } else {
            results = try index.search(texts: queryTexts, encoder: index.recordedEncoder(threadCount: threads), k: k, parameters: parameters)
        }
        let elapsed = ContinuousClock.now - searchStart
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        StandardError.log(String(
            format: "searched %d queries in %.3f ms (%.3f ms/query, k = %d, %@)", results.count, milliseconds,
            results.isEmpty ? 0 : milliseconds / Double(results.count), k,
            rescore.map { "rescored ×\($0)" } ?? "no rescoring"))
        StandardError.log("memory after searching: \(ResidentMemory.summary())")
        try SearchOutput.print(index.documents(results), json: json)
    }
}
