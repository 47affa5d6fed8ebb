import ArgumentParser
import EmbedQ
import Foundation

/// `embedq index build (CORPUS.npy | --texts TEXTS.jsonl) --ids IDS.txt --precision binary
/// --rescore int8 [--ranges R] [--model M] [--graph [--m 16] [--ef-construction 128]] --output INDEX`.
struct IndexBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Create an index file from float embeddings (or texts) and their document ids.",
        discussion: """
            The fast codes (--precision) are held in memory when searching; the finer codes \
            (--rescore) stay on disk and rescore the candidates. Ranges for int8, uint8, int4 and \
            ternary come from --ranges or, when not given, from the corpus (min/max). With --texts \
            the texts are encoded with --model (and the model is recorded for --query-text). \
            --dimensions N indexes the first N dimensions (Matryoshka truncation; --normalize \
            re-normalizes them); --query-text searches truncate the query the same way. \
            With --graph an HNSW graph of the fast codes is built too (INDEX.hnsw; see \
            `embedq index graph --help`), and `embedq search INDEX` walks it. RaBitQ fast codes \
            (rabitq1 … rabitq4) use the centroid and rotation of --ranges (`embedq calibrate \
            --rotation`), or a rotation drawn here (seed 1, the corpus mean) when the ranges carry \
            none; the file keeps it, and searches scan the codes (no graph) and rescore the \
            error bound's candidates with --rescore codes.
            """
    )

    @Argument(help: "Float embeddings .npy (n × d); omit it with --texts.")
    var corpus: String?

    @Option(name: .long, help: "JSON Lines texts (field \"text\") to encode with --model instead of a corpus .npy.")
    var texts: String?

    @Option(name: .long, help: "Document ids, one per line, as many as the corpus has rows, all distinct.")
    var ids: String

    @Option(name: .long, help: "Precision of the fast codes (held in memory).")
    var precision: Precision = .binary

    @Option(name: .long, help: "Precision of the rescoring codes kept on disk, or 'none'.")
    var rescore: String = "int8"

    @Option(name: .long, help: "Calibration ranges from `embedq calibrate` (.npy 2 × d or 3 × d, or .json).")
    var ranges: String?

    @Option(name: .long, help: "The model that made the embeddings (hub id or folder), recorded for --query-text; with --texts, the model that encodes them (default all-MiniLM-L6-v2).")
    var model: String?

    @Option(name: [.short, .long], help: "The index file to write (replaced if it exists).")
    var output: String

    @Flag(name: .long, help: "Also build the HNSW graph of the fast codes (INDEX.hnsw) for approximate search.")
    var graph = false

    @OptionGroup(title: "Graph (with --graph)") var graphOptions: GraphBuildOptions

    @OptionGroup var truncation: TruncationOptions

    func validate() throws {
        guard (corpus == nil) != (texts == nil) else { throw ValidationError("give either a corpus .npy or --texts TEXTS.jsonl") }
        if graph, precision.rabitqCodeBits != nil {
            throw ValidationError(
                "--graph: an HNSW graph cannot index \(precision.rawValue) codes (HNSW has no RaBitQ distance); RaBitQ fast codes are scanned")
        }
    }

    func run() throws {
        let start = ContinuousClock.now
        let rescoring: Precision? = rescore.lowercased() == "none" ? nil : try Precision(parsing: rescore)
        let documentIDs = try IndexInput.ids(ids)
        let calibration = try ranges.map { try RangesFile.read(contentsOf: $0) }
        let codes = "\(precision.rawValue)\(rescoring.map { " + \($0.rawValue)" } ?? "")"
        if let texts {
            let documents = try JSONLinesInput.texts(path: texts)
            try IndexInput.checkCount(ids: documentIDs, idsPath: ids, rows: documents.count, corpusPath: texts)
            let modelName = model ?? "all-MiniLM-L6-v2"
            let encoder = try SentenceEncoder(model: modelName, dimensions: truncation.dimensions)
            StandardError.log("encoding \(documents.count) texts with \(encoder.folder.path), quantizing to \(codes) and writing \(output)…")
            let progress = EncodingProgress(isEnabled: true, isTerminal: isatty(STDERR_FILENO) == 1)
            try IndexBuilder.create(
                at: output, texts: documents, ids: documentIDs, encoder: encoder, model: modelName, precision: precision,
                rescoring: rescoring, ranges: calibration, normalize: truncation.normalize, progress: { progress.update($0, of: documents.count) })
            progress.finish()
        } else if let corpus {
            let embeddings = try truncation.apply(to: EmbeddingMatrix(contentsOfNPY: corpus), what: corpus)
            try IndexInput.checkCount(ids: documentIDs, idsPath: ids, rows: embeddings.rowCount, corpusPath: corpus)
            StandardError.log("read \(embeddings.rowCount) × \(embeddings.dimension) embeddings and ids in \(seconds(since: start))")
            StandardError.log("quantizing to \(codes) and writing \(output)…")
            try IndexBuilder.create(
                at: output, embeddings: embeddings, ids: documentIDs, precision: precision, rescoring: rescoring,
                ranges: calibration, metadata: model.map { IndexMetadata(model: $0) })
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        if graph {
            try graphOptions.build(forIndexAt: output, rowCount: documentIDs.count)
        } else if FileManager.default.fileExists(atPath: IndexGraphFile.path(forIndex: output)) {
            // The replaced index's graph would be stale.
            try? FileManager.default.removeItem(atPath: IndexGraphFile.path(forIndex: output))
        }
        StandardError.log("wrote \(output): \(documentIDs.count) documents, \(precision.rawValue) + \(rescoring?.rawValue ?? "no rescoring"), \(formatBytes(size)) in \(seconds(since: start))")
    }
}
