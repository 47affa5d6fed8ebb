import ArgumentParser
import EmbedQ
import Foundation

/// `embedq index build CORPUS.npy --ids IDS.txt --precision binary --rescore int8 [--ranges R.npy]
/// [--model M] --output INDEX`.
struct IndexBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Create an index file from float embeddings and their document ids.",
        discussion: """
            The fast codes (--precision) are held in memory when searching; the finer codes \
            (--rescore) stay on disk and rescore the candidates. Ranges for int8, uint8, int4 and \
            ternary come from --ranges or, when not given, from the corpus (min/max). \
            --dimensions N indexes the first N dimensions (Matryoshka truncation; --normalize \
            re-normalizes them); --query-text searches truncate the query the same way.
            """
    )

    @Argument(help: "Float embeddings .npy (n × d).")
    var corpus: String

    @Option(name: .long, help: "Document ids, one per line, as many as the corpus has rows, all distinct.")
    var ids: String

    @Option(name: .long, help: "Precision of the fast codes (held in memory).")
    var precision: Precision = .binary

    @Option(name: .long, help: "Precision of the rescoring codes kept on disk, or 'none'.")
    var rescore: String = "int8"

    @Option(name: .long, help: "Calibration ranges .npy (2 × d, optional third row of ternary thresholds).")
    var ranges: String?

    @Option(name: .long, help: "The model that made the embeddings (hub id or folder), recorded for --query-text.")
    var model: String?

    @Option(name: [.short, .long], help: "The index file to write (replaced if it exists).")
    var output: String

    @OptionGroup var truncation: TruncationOptions

    func run() throws {
        let start = ContinuousClock.now
        let rescoring: Precision? = rescore.lowercased() == "none" ? nil : try Precision(parsing: rescore)
        let documentIDs = try IndexInput.ids(ids)
        let embeddings = try truncation.apply(to: IndexInput.embeddings(corpus), what: corpus)
        try IndexInput.checkCount(ids: documentIDs, idsPath: ids, embeddings: embeddings, corpusPath: corpus)
        IndexInput.log("read \(embeddings.rowCount) × \(embeddings.dimension) embeddings and ids in \(seconds(since: start))")
        let calibration = try ranges.map { try SearchCommand.readRanges($0) }
        IndexInput.log("quantizing to \(precision.rawValue)\(rescoring.map { " + \($0.rawValue)" } ?? "") and writing \(output)…")
        try IndexBuilder.create(
            at: output, embeddings: embeddings, ids: documentIDs, precision: precision, rescoring: rescoring,
            ranges: calibration, metadata: model.map(Self.metadata))
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? Int) ?? 0
        IndexInput.log("wrote \(output): \(embeddings.rowCount) documents, \(precision.rawValue) + \(rescoring?.rawValue ?? "no rescoring"), \(formatBytes(size)) in \(seconds(since: start))")
    }

    /// The model's name, and its absolute folder when `model` names a local folder.
    static func metadata(_ model: String) -> IndexMetadata {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory), isDirectory.boolValue else {
            return IndexMetadata(modelName: model)
        }
        return IndexMetadata(modelName: model, modelPath: URL(fileURLWithPath: model).standardizedFileURL.path)
    }
}
