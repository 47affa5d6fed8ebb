import EmbeddingQuantization
import Foundation
import RetrievalEvaluation
import SemanticSearch
import SentenceEncoder

/// The float32 embeddings of a corpus and its queries, encoded once by one model (or read back
/// from an ``EmbeddingCache``). Every precision of the matrix is derived from these.
public struct DatasetEmbeddings: Sendable {
    /// Document identifiers, one per corpus row.
    public let documentIDs: [String]
    /// Query identifiers, one per query row.
    public let queryIDs: [String]
    /// `documents × d` embeddings of `CorpusDocument/contents`.
    public let corpus: EmbeddingMatrix
    /// `queries × d` embeddings of the query texts.
    public let queries: EmbeddingMatrix
    /// Whether both matrices came from the cache (nothing was encoded).
    public let cameFromCache: Bool

    /// Creates embeddings from matrices already computed.
    ///
    /// - Throws: ``QuantizationEvaluationError/shapeMismatch(what:expected:actual:)`` when the
    ///   row counts differ from the identifier counts or the dimensions differ.
    public init(
        documentIDs: [String], queryIDs: [String], corpus: EmbeddingMatrix, queries: EmbeddingMatrix,
        cameFromCache: Bool = false
    ) throws(QuantizationEvaluationError) {
        guard corpus.rowCount == documentIDs.count else {
            throw .shapeMismatch(what: "corpus embeddings", expected: "\(documentIDs.count) rows", actual: "\(corpus.rowCount)")
        }
        guard queries.rowCount == queryIDs.count, queries.dimension == corpus.dimension else {
            throw .shapeMismatch(
                what: "query embeddings", expected: "(\(queryIDs.count), \(corpus.dimension))",
                actual: "(\(queries.rowCount), \(queries.dimension))")
        }
        self.documentIDs = documentIDs
        self.queryIDs = queryIDs
        self.corpus = corpus
        self.queries = queries
        self.cameFromCache = cameFromCache
    }

    /// The cache key of `texts` encoded by the encoder whose fingerprint is `model`
    /// (``ModelFingerprint/hash(of:)``).
    public static func cacheKey(model: ContentHash, texts: [String], role: String) -> String {
        var hash = model
        hash.update(text: "embedq-embeddings-v1")
        hash.update(text: role)
        hash.update(integer: texts.count)
        for text in texts { hash.update(text: text) }
        return "\(role)-\(hash.hexDigest)"
    }

    /// Embeds `documents` (their `CorpusDocument/contents`) and `queries` with `encoder`,
    /// reading each matrix from `cache` when it holds it and storing what it encodes. Cache keys
    /// cover the model files, the encoder's numerics version and options
    /// (``ModelFingerprint/hash(of:)``) and the texts; a cache file that cannot be read is
    /// reported through `warning` and rebuilt.
    ///
    /// - Parameters:
    ///   - documents: the corpus, encoded as their `contents`.
    ///   - queries: the queries, encoded as their text.
    ///   - encoder: the model.
    ///   - cache: where matrices are looked up and stored; `nil` always encodes.
    ///   - batchSize: texts per forward pass.
    ///   - documentPrompt, queryPrompt: the prompts prepended to documents and to queries (a
    ///     prompt's text and a truncated encoder's width enter the cache key).
    ///   - progress: called with (texts done, texts to encode) while encoding, from worker threads,
    ///     one call at a time; never called when everything is cached.
    ///   - warning: called with a one-line message naming each corrupt cache file ignored.
    /// - Throws: ``QuantizationEvaluationError``.
    public static func embed(
        documents: [CorpusDocument], queries: [DatasetQuery], encoder: SentenceEncoder, cache: EmbeddingCache?,
        documentPrompt: Prompt = .modelDefault, queryPrompt: Prompt = .modelDefault,
        batchSize: Int = 32, progress: (@Sendable (_ done: Int, _ total: Int) -> Void)? = nil,
        warning: ((String) -> Void)? = nil
    ) throws(QuantizationEvaluationError) -> DatasetEmbeddings {
        let model = try ModelFingerprint.hash(of: encoder)
        let jobs = [("corpus", documents.map(\.contents), documentPrompt), ("queries", queries.map(\.text), queryPrompt)]
        var keys: [String] = []
        for (role, texts, prompt) in jobs {
            var key = model
            let text: String?
            do {
                text = try encoder.promptText(prompt)
            } catch {
                throw .encoder(error)
            }
            // No prompt keeps the key it always had.
            if let text, !text.isEmpty { key.update(text: "prompt=" + text) }
            keys.append(cacheKey(model: key, texts: texts, role: role))
        }
        var matrices: [EmbeddingMatrix?] = zip(jobs, keys).map { job, key in
            cache?.matrix(forKey: key, rowCount: job.1.count, dimension: encoder.dimension, warning: warning)
        }
        let cameFromCache = matrices.allSatisfy { $0 != nil }
        let total = zip(jobs, matrices).reduce(0) { $0 + ($1.1 == nil ? $1.0.1.count : 0) }
        var offset = 0
        for index in jobs.indices where matrices[index] == nil {
            let texts = jobs[index].1
            let base = offset
            do {
                matrices[index] = try encoder.encodeMatrix(texts, prompt: jobs[index].2, batchSize: batchSize) { done in
                    progress?(base + done, total)
                }
            } catch {
                throw .encoder(error)
            }
            offset += texts.count
            if let cache, let matrix = matrices[index] { try cache.store(matrix, forKey: keys[index]) }
        }
        return try DatasetEmbeddings(
            documentIDs: documents.map(\.id), queryIDs: queries.map(\.id),
            corpus: matrices[0]!, queries: matrices[1]!, cameFromCache: cameFromCache)
    }
}
