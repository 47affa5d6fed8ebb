import EmbeddingQuantization
import Foundation
import QuantizationEvaluation
import RetrievalEvaluation
import XCTest

/// A second embedding of the same texts with the same model reads the cache instead of encoding.
final class EmbeddingCacheTests: XCTestCase {
    func testSecondRunReadsTheCacheAndKeysFollowTheTexts() throws {
        let encoder = try SharedSciFact.encoder()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-cache-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cache = EmbeddingCache(folder: folder)
        let documents = [
            CorpusDocument(id: "a", title: "Cats", text: "A cat sits on the mat."),
            CorpusDocument(id: "b", text: "Quantized embeddings save memory."),
        ]
        let queries = [DatasetQuery(id: "q", text: "where is the cat?")]
        let first = try DatasetEmbeddings.embed(documents: documents, queries: queries, encoder: encoder, cache: cache)
        XCTAssertFalse(first.cameFromCache)
        let second = try DatasetEmbeddings.embed(documents: documents, queries: queries, encoder: encoder, cache: cache)
        XCTAssertTrue(second.cameFromCache)
        XCTAssertEqual(first.corpus, second.corpus)
        XCTAssertEqual(first.queries, second.queries)

        let changed = [documents[0], CorpusDocument(id: "b", text: "Quantized embeddings save disk.")]
        let third = try DatasetEmbeddings.embed(documents: changed, queries: queries, encoder: encoder, cache: cache)
        XCTAssertFalse(third.cameFromCache)
    }
}
