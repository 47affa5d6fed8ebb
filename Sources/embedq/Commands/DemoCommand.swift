import ArgumentParser
import EmbedQ
import Foundation

/// `embedq demo`: the main job in one command — encode, calibrate, quantize, index, search, and
/// measure what each precision costs and keeps.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Encode the sample texts, quantize, build a binary + int8 index, search, and measure retention.",
        discussion: """
            Uses the sample in examples/demo: 131 sentences and 10 labelled queries. Encodes them \
            with the model (all-MiniLM-L6-v2 by default; scripts/demo.sh fetches it), prints the \
            classic four-sentence example, answers a few text queries with a binary index \
            rescored by int8 codes, prints the memory each precision takes and the retention of \
            NDCG@10 on the labelled queries. Without a model it falls back to the precomputed \
            sample embeddings.
            """)

    @Option(help: "Folder with sentences.txt, queries.tsv (and the fallback embeddings .npy).")
    var dataDirectory = "examples/demo"

    @Option(help: "Model folder, or hub id (ORG/NAME, or NAME for sentence-transformers/NAME).")
    var model = "all-MiniLM-L6-v2"

    @Flag(help: "Use the precomputed sample embeddings instead of encoding the texts.")
    var precomputed = false

    @Option(help: "How many queries to show hits for.")
    var showQueries = 3

    /// The classic corpus is the first 4 sentences; its int8 ranges come from these many.
    private static let classicCalibrationCount = 124

    func run() throws {
        let sample = try DemoSample(directory: dataDirectory)
        guard sample.sentences.count >= Self.classicCalibrationCount else {
            throw CommandFailure("\(dataDirectory)/sentences.txt needs at least \(Self.classicCalibrationCount) sentences")
        }
        let encoder = precomputed ? nil : DemoEmbedder.encoder(model: model)
        let sentences: EmbeddingMatrix
        let queries: EmbeddingMatrix
        let start = ContinuousClock.now
        if let encoder {
            sentences = try encoder.encodeMatrix(sample.sentences)
            queries = try encoder.encodeMatrix(sample.queries)
            StandardError.log("encoded \(sample.sentences.count + sample.queries.count) texts in \(seconds(since: start))")
        } else {
            (sentences, queries) = try sample.precomputedEmbeddings()
        }
        try classicExample(sample: sample, sentences: sentences, encoder: encoder)
        try textQueries(sample: sample, sentences: sentences, queries: queries, encoder: encoder)
        memoryTable(count: sentences.rowCount, dimension: sentences.dimension)
        try retention(sample: sample, sentences: sentences, queries: queries)
    }

    /// Four sentences quantized to int8 with ranges from 124, and the top match of a query.
    private func classicExample(sample: DemoSample, sentences: EmbeddingMatrix, encoder: SentenceEncoder?) throws {
        let d = sentences.dimension
        let calibration = try EmbeddingMatrix(
            rowCount: Self.classicCalibrationCount, dimension: d,
            values: Array(sentences.values.prefix(Self.classicCalibrationCount * d)))
        let ranges = try Calibration.ranges(from: calibration)
        let corpus = try EmbeddingMatrix(rowCount: 4, dimension: d, values: Array(sentences.values.prefix(4 * d)))
        print("== The classic example: 4 sentences, int8 ranges calibrated on them plus \(Self.classicCalibrationCount - 4) more ==")
        for line in sample.sentences.prefix(4) { print("  \(line)") }
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(corpus)
        print("float32 (4, \(d)) \(corpus.values.count * MemoryLayout<Float>.size) bytes")
        print("int8 (4, \(d)) \(int8.byteCount) bytes")
        let queryText = "A man is eating pasta."
        let query: [Float]
        if let encoder {
            query = try encoder.encode([queryText])[0]
        } else {
            query = Array(try sample.precomputedEmbeddings().queries[row: 0])  // the same text
        }
        let floatTop = try FlatIndex(corpus).search(query, k: 1)[0]
        let int8Top = try FlatIndex(int8).search(query, k: 1)[0]
        print("query \"\(queryText)\"")
        print(String(format: "  top match, float32: %@ (cosine %.4f)", sample.sentences[floatTop.row], floatTop.score))
        print("  top match, int8:    \(sample.sentences[int8Top.row]) (int8 dot product \(Int(int8Top.score)))")
    }

    /// A binary index rescored with int8 codes, answering the first labelled queries: the query
    /// texts searched through the library's text search (their precomputed embeddings without a model).
    private func textQueries(sample: DemoSample, sentences: EmbeddingMatrix, queries: EmbeddingMatrix, encoder: SentenceEncoder?) throws {
        let ranges = try Calibration.ranges(from: sentences)
        let bits = try EmbeddingQuantizer(precision: .binary).quantize(sentences)
        let int8 = try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(sentences)
        let index = try RefineIndex(base: FlatIndex(bits), codes: StoredCodes(int8), multiplier: 4)
        print("\n== Search: \(sentences.rowCount) sentences in a binary index (\(bits.byteCount) bytes), "
              + "top 12 by Hamming distance rescored with int8 codes (\(int8.byteCount) bytes) ==")
        let shown = min(max(0, showQueries), sample.queries.count)
        let hits = try encoder.map { try index.search(texts: Array(sample.queries.prefix(shown)), encoder: $0, k: 3) }
            ?? index.search(queries[rows: 0..<shown], k: 3)
        for (number, queryHits) in hits.enumerated() {
            print("query \"\(sample.queries[number])\"")
            for hit in queryHits {
                let mark = sample.relevant[number].contains(hit.row) ? "✓" : " "
                print(String(format: "  %@ %.3f  %@", mark, hit.score, sample.sentences[hit.row]))
            }
        }
    }

    /// Bytes per vector and in total for each precision.
    private func memoryTable(count: Int, dimension: Int) {
        print("\n== Memory for \(count) × \(dimension) embeddings (and for 1 million) ==")
        print("| precision | bytes/vector | \(count) vectors | 1M vectors | compression |")
        print("|---|---:|---:|---:|---:|")
        for precision in [Precision.float32, .float16, .bfloat16, .int8, .int4, .ternary, .binary] {
            let bytes = precision.bytesPerVector(dimension: dimension)
            print("| \(precision.rawValue) | \(bytes) | \(formatBytes(bytes * count)) | \(formatBytes(bytes * 1_000_000)) | "
                  + String(format: "%.0f×", precision.compressionRatio(dimension: dimension)) + " |")
        }
    }

    /// NDCG@10 and its retention per precision on the labelled queries.
    private func retention(sample: DemoSample, sentences: EmbeddingMatrix, queries: EmbeddingMatrix) throws {
        let embeddings = try DatasetEmbeddings(
            documentIDs: (1...sample.sentences.count).map { "s\($0)" }, queryIDs: (1...sample.queries.count).map { "q\($0)" },
            corpus: sentences, queries: queries)
        let matrix = try QuantizationMatrix(embeddings: embeddings, judgments: sample.judgments)
        let pipelines: [RetrievalPipeline] = [
            .float(.float32), .float(.float16), .symmetric(.int8), .asymmetric(.int8), .asymmetric(.int4),
            .symmetric(.ternary), .asymmetric(.ternary), .symmetric(.binary),
            .binaryRescore(multiplier: 4, codes: .binary), .binaryRescore(multiplier: 4, codes: .int8),
        ]
        let modelName = URL(fileURLWithPath: model).lastPathComponent
        let report = try QuantizationReport(
            dataset: "examples/demo", model: modelName, results: try matrix.evaluate(pipelines))
        print("\n== Retention on the \(sample.queries.count) labelled queries (embedq eval runs the same on BEIR datasets) ==")
        print(report.markdown(), terminator: "")
    }
}
