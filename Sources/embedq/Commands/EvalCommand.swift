import ArgumentParser
import EmbedQ
import Foundation

/// `embedq eval`: the quantization matrix of a model on a BEIR dataset.
struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Evaluate retrieval quality, memory and speed of every precision on a BEIR dataset.",
        discussion: """
            Encodes the corpus and the judged queries once (cached under \
            ~/.cache/embedq/embeddings, keyed by the model files, the encoder's numerics version, \
            the weight precision and the texts; a corrupt cache file is reported and rebuilt), \
            calibrates int8 / \
            uint8 / int4 / ternary ranges on the corpus, and searches the top 100 documents per \
            query for float32, float16, bfloat16, int8, int8 asymmetric, uint8, int4 asymmetric, \
            ternary × ternary, float × ternary, binary, binary + rescore ×4 and binary → int8 \
            ×1/×4/×10. --dimensions adds the Matryoshka grid: float32, int8 and binary rows on \
            the embeddings truncated to each width (--normalize re-normalizes them). Prints a \
            Markdown table (or one JSON object with --json) on standard output; progress goes to \
            standard error.
            """)

    @Option(help: "Model folder, or hub id (ORG/NAME, or NAME for sentence-transformers/NAME).")
    var model = "all-MiniLM-L6-v2"

    @Option(help: "BEIR dataset folder (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).")
    var dataset: String

    @Option(help: "The qrels split to evaluate.")
    var split = "test"

    @Flag(help: "Print one JSON object instead of the Markdown table.")
    var json = false

    @Option(help: "Also write a self-contained HTML report (table and SVG charts) to this file.")
    var report: String?

    @Option(help: "Also measure ternary thresholds t = α·σ at these α (comma-separated, e.g. 0.5,0.7,1.0).")
    var ternaryAlphas: String?

    @Option(help: "Weight precision of the encoder's linear layers: fp32, bf16 or int8 (model quantization).")
    var weights: WeightPrecision = .float32

    @Option(help: "Also evaluate float32 / int8 / binary on the embeddings truncated to these widths (comma-separated, e.g. 384,256,128,64).")
    var dimensions: String?

    @Flag(help: "Re-normalize the truncated embeddings of --dimensions (sentence-transformers' normalize_embeddings).")
    var normalize = false

    @Option(help: "Prompt name (config_sentence_transformers.json) for the queries (default: the model's default prompt).")
    var queryPromptName: String?

    @Option(help: "Prompt name for the documents (default: the model's default prompt).")
    var documentPromptName: String?

    @Option(help: "Embedding cache folder (default: ~/.cache/embedq/embeddings).")
    var cacheDirectory: String?

    @Flag(help: "Neither read nor write the embedding cache (always encode).")
    var noCache = false

    @Option(help: "Texts per batch (forward passes take up to 512 of its tokens at a time).")
    var batchSize = 32

    @Flag(help: "No encoding progress on standard error.")
    var quiet = false

    @Flag(help: "Leave out the RaBitQ rows.")
    var noRabitq = false

    @Option(name: .customLong("embeddings"), help: "Read the embeddings a previous --export-embeddings wrote (this folder) instead of encoding.")
    var importEmbeddings: String?

    @Option(help: "Also write the embeddings (corpus.npy, queries.npy, corpus-ids.txt, query-ids.txt) to this folder.")
    var exportEmbeddings: String?

    @Option(help: ArgumentHelp(
        "A projection head (embedq train-head); adds binary, ternary × ternary and rabitq1 rows on its outputs; repeatable.",
        valueName: "head.json"))
    var head: [String] = []

    @Option(help: ArgumentHelp(
        "A peer's rankings on these embeddings (JSON run file, e.g. from scripts/bench-rabitq.sh); repeatable.",
        valueName: "run.json"))
    var peerRun: [String] = []

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        _ = try alphas()
        _ = try widths()
    }

    func run() throws {
        let data = try BEIRDataset.load(from: URL(fileURLWithPath: dataset), split: split)
        let queries = data.evaluationQueries
        StandardError.log("\(data.name) (\(split)): \(data.documents.count) documents, \(queries.count) judged queries")
        let embeddings: DatasetEmbeddings
        let modelName: String
        if let importEmbeddings {
            embeddings = try DatasetEmbeddings.imported(from: URL(fileURLWithPath: importEmbeddings))
            guard embeddings.documentIDs == data.documents.map(\.id), embeddings.queryIDs == queries.map(\.id) else {
                throw CommandFailure("--embeddings \(importEmbeddings): its ids are not the dataset's documents and \(split) queries in order")
            }
            modelName = "embeddings from \(importEmbeddings)"
            StandardError.log("embeddings read from \(importEmbeddings)")
        } else {
            let encoder = try SentenceEncoder(model: model, weights: weights)
            let cache = noCache
                ? nil : EmbeddingCache(folder: cacheDirectory.map { URL(fileURLWithPath: $0) } ?? EmbeddingCache.defaultFolder())
            let progress = EncodingProgress(isEnabled: !quiet, isTerminal: isatty(STDERR_FILENO) == 1)
            let start = ContinuousClock.now
            embeddings = try DatasetEmbeddings.embed(
                documents: data.documents, queries: queries, encoder: encoder, cache: cache,
                documentPrompt: documentPromptName.map(Prompt.named) ?? .modelDefault,
                queryPrompt: queryPromptName.map(Prompt.named) ?? .modelDefault, batchSize: batchSize,
                progress: { done, total in progress.update(done, of: total) },
                warning: { StandardError.warn($0) })
            progress.finish()
            StandardError.log(embeddings.cameFromCache
                ? "embeddings read from the cache \(cache?.folder.path ?? "")"
                : "encoded in \(seconds(since: start))")
            modelName = encoder.folder.lastPathComponent + (weights == .float32 ? "" : " (\(weights.rawValue) weights)")
        }

        if let exportEmbeddings {
            try embeddings.export(to: URL(fileURLWithPath: exportEmbeddings))
            StandardError.log("wrote the embeddings to \(exportEmbeddings)")
        }
        let peers = try peerRun.map { path throws(QuantizationEvaluationError) in try PeerRun.read(contentsOf: path) }
        let matrix = try QuantizationMatrix(embeddings: embeddings, judgments: data.judgments)
        let pipelines = RetrievalPipeline.standardMatrix + (noRabitq ? [] : RetrievalPipeline.rabitqMatrix)
        let log = { (result: QuantizationResult) in
            StandardError.log(String(format: "%@: NDCG@10 %.2f", result.name, 100 * result.ndcgAt10))
        }
        var results = try matrix.evaluate(pipelines, onResult: log)
        let grid = try widths()
        if let wider = grid.first(where: { $0 > embeddings.corpus.dimension }) {
            throw CommandFailure("--dimensions \(wider) is wider than the model's \(embeddings.corpus.dimension) dimensions")
        }
        results += try matrix.dimensionGrid(grid, normalize: normalize, onResult: log)
        for path in head {
            let projection = try HeadArgument.load(path)!
            let name = URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
            let projected = try DatasetEmbeddings(
                documentIDs: embeddings.documentIDs, queryIDs: embeddings.queryIDs,
                corpus: HeadArgument.apply(projection, to: embeddings.corpus, what: "the corpus"),
                queries: HeadArgument.apply(projection, to: embeddings.queries, what: "the queries"))
            let headMatrix = try QuantizationMatrix(embeddings: projected, judgments: data.judgments)
            for pipeline in RetrievalPipeline.headRows(for: projection.precision) {
                var result = try headMatrix.evaluate(pipeline)
                result.name += " [\(name)]"
                StandardError.log(String(format: "%@: NDCG@10 %.2f", result.name, 100 * result.ndcgAt10))
                results.append(result)
            }
        }
        for peer in peers {
            let result = try matrix.evaluate(peer: peer)
            StandardError.log(String(format: "%@: NDCG@10 %.2f", result.name, 100 * result.ndcgAt10))
            results.append(result)
        }
        let quantizationReport = try QuantizationReport(dataset: data.name, model: modelName, results: results)
        print(json ? quantizationReport.json() : quantizationReport.markdown(), terminator: json ? "\n" : "")
        if let report {
            do {
                try Data(quantizationReport.html().utf8).write(to: URL(fileURLWithPath: report), options: .atomic)
            } catch {
                throw CommandFailure("cannot write the report \(report): \(error.localizedDescription)")
            }
            StandardError.log("wrote \(report)")
        }
        let sweep = try alphas()
        if !sweep.isEmpty {
            let rows = try matrix.ternaryAlphaSweep(sweep)
            // Data, but not part of the matrix: on standard error when the matrix is JSON.
            var lines = ["", "| ternary α | ternary × ternary NDCG@10 | float × ternary NDCG@10 |", "|---:|---:|---:|"]
            for row in rows {
                lines.append(String(format: "| %.2f | %.2f | %.2f |", row.alpha, 100 * row.symmetric.ndcgAt10, 100 * row.asymmetric.ndcgAt10))
            }
            let text = lines.joined(separator: "\n")
            if json { StandardError.print(text) } else { print(text) }
        }
    }

    private func widths() throws -> [Int] {
        guard let dimensions else { return [] }
        return try dimensions.split(separator: ",").map { text in
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 1 else {
                throw ValidationError("--dimensions: '\(text)' is not a width ≥ 1")
            }
            return value
        }
    }

    private func alphas() throws -> [Double] {
        guard let ternaryAlphas else { return [] }
        // Empty items ("0.5,,1", a trailing comma) are errors, not silently dropped.
        return try ternaryAlphas.split(separator: ",", omittingEmptySubsequences: false).map { text in
            guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value >= 0, value.isFinite else {
                throw ValidationError("--ternary-alphas: '\(text)' is not a number ≥ 0")
            }
            return value
        }
    }
}
