import EmbeddingQuantization
import Foundation
import RetrievalEvaluation
import SentenceEncoder

/// The float32 embeddings of a corpus and its queries, encoded once by one model (or read back
/// from an ``EmbeddingCache``). Every precision of the matrix is derived from these.
public struct DatasetEmbeddings: Sendable {
    /// Document identifiers, one per corpus row.
    public let documentIDs: [String]
    /// Query identifiers, one per query row.
    public let queryIDs: [String]
    /// `documents × d` embeddings of ``CorpusDocument/contents``.
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

    /// Embeds `documents` (their ``CorpusDocument/contents``) and `queries` with `encoder`,
    /// reading each matrix from `cache` when it holds it and storing what it encodes. Cache keys
    /// cover the model files, the encoder's numerics version and options
    /// (``ModelFingerprint/hash(of:)``) and the texts; a cache file that cannot be read is
    /// reported through `warning` and rebuilt.
    ///
    /// - Parameters:
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
                throw .encoder("\(error)")
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
            let values: [Float]
            do {
                values = try encoder.encodeRowMajor(texts, prompt: jobs[index].2, batchSize: batchSize) { done in
                    progress?(base + done, total)
                }
                matrices[index] = try EmbeddingMatrix(rowCount: texts.count, dimension: encoder.dimension, values: values)
            } catch {
                throw .encoder("\(error)")
            }
            offset += texts.count
            if let cache, let matrix = matrices[index] { try cache.store(matrix, forKey: keys[index]) }
        }
        return try DatasetEmbeddings(
            documentIDs: documents.map(\.id), queryIDs: queries.map(\.id),
            corpus: matrices[0]!, queries: matrices[1]!, cameFromCache: cameFromCache)
    }
}

extension DatasetEmbeddings {
    /// Writes the embeddings for other tools (e.g. the FAISS side of `scripts/bench-rabitq.sh`):
    /// `corpus.npy` (n × d float32), `queries.npy` (m × d), and `corpus-ids.txt` /
    /// `query-ids.txt` (one id a line, in row order), into `folder` (created when missing).
    ///
    /// - Throws: ``QuantizationEvaluationError/file(path:reason:)`` naming the file that failed.
    public func export(to folder: URL) throws(QuantizationEvaluationError) {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .file(path: folder.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let files: [(String, () throws -> Void)] = [
            ("corpus.npy", { try NPYFile.write(self.corpus.npyArray, to: folder.appendingPathComponent("corpus.npy").path) }),
            ("queries.npy", { try NPYFile.write(self.queries.npyArray, to: folder.appendingPathComponent("queries.npy").path) }),
            ("corpus-ids.txt", { try Data((self.documentIDs.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("corpus-ids.txt"), options: .atomic) }),
            ("query-ids.txt", { try Data((self.queryIDs.joined(separator: "\n") + "\n").utf8).write(to: folder.appendingPathComponent("query-ids.txt"), options: .atomic) }),
        ]
        for (name, write) in files {
            do {
                try write()
            } catch {
                throw .file(path: folder.appendingPathComponent(name).path, reason: "cannot write: \(error)")
            }
        }
    }

    /// Reads what ``export(to:)`` wrote.
    ///
    /// - Throws: ``QuantizationEvaluationError/file(path:reason:)`` naming the file that is
    ///   missing or malformed; ``QuantizationEvaluationError/shapeMismatch(what:expected:actual:)``
    ///   when ids and rows disagree.
    public static func imported(from folder: URL) throws(QuantizationEvaluationError) -> DatasetEmbeddings {
        func matrix(_ name: String) throws(QuantizationEvaluationError) -> EmbeddingMatrix {
            let path = folder.appendingPathComponent(name).path
            do {
                return try EmbeddingMatrix(NPYFile.read(contentsOf: path))
            } catch {
                throw .file(path: path, reason: "\(error)")
            }
        }
        func ids(_ name: String) throws(QuantizationEvaluationError) -> [String] {
            let path = folder.appendingPathComponent(name).path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw .file(path: path, reason: "cannot read as UTF-8 text")
            }
            var lines = text.components(separatedBy: "\n")
            if lines.last == "" { lines.removeLast() }
            return lines
        }
        return try DatasetEmbeddings(
            documentIDs: ids("corpus-ids.txt"), queryIDs: ids("query-ids.txt"), corpus: matrix("corpus.npy"),
            queries: matrix("queries.npy"), cameFromCache: true)
    }
}
