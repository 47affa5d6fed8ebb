import EmbeddingQuantization
import Foundation
import QuantizationEvaluation
import RetrievalEvaluation
import SentenceEncoder
import XCTest

/// The embedding cache: a second embedding of the same texts with the same encoder reads the
/// cache; the key covers the texts, the model files, the encoder's numerics version and its
/// options; a corrupt cache file is reported by name and rebuilt, never trusted and never fatal.
final class EmbeddingCacheTests: XCTestCase {
    let documents = [
        CorpusDocument(id: "a", title: "Cats", text: "A cat sits on the mat."),
        CorpusDocument(id: "b", text: "Quantized embeddings save memory."),
    ]
    let queries = [DatasetQuery(id: "q", text: "where is the cat?")]

    private func temporaryCache() -> EmbeddingCache {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-cache-\(UUID().uuidString)")
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        return EmbeddingCache(folder: folder)
    }

    func testSecondRunReadsTheCacheAndKeysFollowTheTexts() throws {
        let encoder = try SharedSciFact.encoder()
        let cache = temporaryCache()
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

    /// The stale-cache bug: the key used to cover only the model files and the texts, so after an
    /// encoder change `embed` served the old vectors. A file stored under that old key (what the
    /// previous encoder wrote) is not read any more; the encoder's identity names its numerics
    /// version, and every option that changes vectors gives another key.
    func testKeyCoversTheEncoderVersionAndItsOptions() throws {
        let folder = try SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent()
        let encoder = try SentenceEncoder(folder: folder)
        XCTAssertTrue(encoder.numericsIdentity.hasPrefix("embedq-encoder-numerics-\(SentenceEncoder.numericsVersion);"),
                      encoder.numericsIdentity)
        let texts = documents.map(\.contents)

        // A poisoned entry under the key of the model files alone (the old scheme): never read.
        let cache = temporaryCache()
        let oldKey = DatasetEmbeddings.cacheKey(model: try ModelFingerprint.hash(ofModelFolder: folder), texts: texts, role: "corpus")
        let poison = try EmbeddingMatrix(rowCount: 2, dimension: 384, values: [Float](repeating: 0.05, count: 768))
        try cache.store(poison, forKey: oldKey)
        let embedded = try DatasetEmbeddings.embed(documents: documents, queries: queries, encoder: encoder, cache: cache)
        XCTAssertFalse(embedded.cameFromCache)
        XCTAssertNotEqual(embedded.corpus, poison)

        // Each option that changes vectors changes the encoder's identity, and the identity is in
        // the key (hashing the 90 MB folder once per variant would cost seconds: two suffice).
        let variants: [(String, SentenceEncoder)] = [
            ("fp32", encoder),
            ("int8 mixed", try SentenceEncoder(folder: folder, weights: .int8, float32Layers: ["layer.5.output"])),
            ("int8 static A", try SentenceEncoder(folder: folder, weights: .int8, calibration: ["A cat sits on the mat."])),
            ("int8 static B", try SentenceEncoder(folder: folder, weights: .int8, calibration: ["Statins lower cholesterol levels."])),
        ]
        XCTAssertEqual(Set(variants.map(\.1.numericsIdentity)).count, variants.count, "every variant has an identity of its own")
        XCTAssertNotEqual(
            DatasetEmbeddings.cacheKey(model: try ModelFingerprint.hash(of: variants[0].1), texts: texts, role: "corpus"),
            DatasetEmbeddings.cacheKey(model: try ModelFingerprint.hash(of: variants[1].1), texts: texts, role: "corpus"))
        // Thread count and batch size do not change a text's vector: same key.
        let twoThreads = try SentenceEncoder(folder: folder, threadCount: 2)
        XCTAssertEqual(twoThreads.numericsIdentity, encoder.numericsIdentity)
    }

    /// A corrupt cache file (cut short, garbage, another shape, NaN values) is reported with its
    /// path, encoded again, stored again; the next run reads the repaired file silently.
    func testCorruptEntryIsReportedAndRebuilt() throws {
        let encoder = try SharedSciFact.encoder()
        let cache = temporaryCache()
        let reference = try DatasetEmbeddings.embed(documents: documents, queries: queries, encoder: encoder, cache: cache)
        let key = DatasetEmbeddings.cacheKey(model: try ModelFingerprint.hash(of: encoder), texts: documents.map(\.contents), role: "corpus")
        let file = cache.url(forKey: key)
        let valid = try Data(contentsOf: file)
        let nan = try EmbeddingMatrix(rowCount: 2, dimension: 384, values: [Float](repeating: 0, count: 767) + [.nan])
        let damages: [(String, Data)] = [
            ("cut short", valid.prefix(valid.count / 2)),
            ("another shape", Data(NPYFile.encode(try EmbeddingMatrix(rowCount: 3, dimension: 384, values: [Float](repeating: 0, count: 1152)).npyArray))),
            ("NaN values", Data(NPYFile.encode(nan.npyArray))),
        ]
        for (name, damage) in damages {
            try damage.write(to: file)
            var warnings: [String] = []
            let rebuilt = try DatasetEmbeddings.embed(
                documents: documents, queries: queries, encoder: encoder, cache: cache, warning: { warnings.append($0) })
            XCTAssertEqual(warnings.count, 1, "\(name): \(warnings)")
            XCTAssertTrue(warnings.first?.contains(file.path) ?? false, "\(name): \(warnings)")
            XCTAssertFalse(rebuilt.cameFromCache, name)
            XCTAssertEqual(rebuilt.corpus, reference.corpus, name)
            XCTAssertEqual(try Data(contentsOf: file), valid, "\(name): the file was stored again")
            warnings.removeAll()
            let again = try DatasetEmbeddings.embed(
                documents: documents, queries: queries, encoder: encoder, cache: cache, warning: { warnings.append($0) })
            XCTAssertTrue(again.cameFromCache, name)
            XCTAssertEqual(warnings, [], name)
        }
    }

    /// A cache file cut at every offset, or with a header byte changed, is never served as the
    /// matrix and never crashes: each read returns nothing and warns once, naming the file.
    func testTruncatedAndFlippedCacheFilesAreNeverServed() throws {
        let cache = temporaryCache()
        let matrix = try EmbeddingMatrix(rowCount: 2, dimension: 5, values: (0..<10).map { Float($0) / 7 })
        try cache.store(matrix, forKey: "entry")
        let file = cache.url(forKey: "entry")
        let valid = [UInt8](try Data(contentsOf: file))
        XCTAssertEqual(cache.matrix(forKey: "entry", rowCount: 2, dimension: 5), matrix)
        var warnings = 0
        for length in 0..<valid.count {
            try Data(valid[0..<length]).write(to: file)
            XCTAssertNil(cache.matrix(forKey: "entry", rowCount: 2, dimension: 5) { XCTAssertTrue($0.contains(file.path)); warnings += 1 })
        }
        XCTAssertEqual(warnings, valid.count)
        var generator = SeededGenerator(seed: 0xCAC4E)
        let headerEnd = valid.count - 10 * 4
        for offset in 0..<headerEnd {
            var bytes = valid
            bytes[offset] ^= UInt8.random(in: 1...255, using: &generator)
            try Data(bytes).write(to: file)
            if let read = cache.matrix(forKey: "entry", rowCount: 2, dimension: 5) {
                // A flip in header padding or a harmless spelling of the same header.
                XCTAssertEqual(read, matrix, "offset \(offset)")
            }
        }
    }
}
