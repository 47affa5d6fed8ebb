import ArgumentParser
import EmbedQ
import Foundation

/// `embedq embed`: encodes the `text` of every JSON line into a float32 `.npy` matrix.
struct EmbedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "embed",
        abstract: "Encode texts (JSON Lines with a \"text\" field) into an N × d float32 .npy file.",
        discussion: """
            Rows are in input order and L2-normalized when the model has a Normalize module (as \
            all-MiniLM-L6-v2 does). --prompt-name / --prompt prepend a prompt (the model's \
            default_prompt_name applies otherwise); --dimensions truncates after every module, \
            Normalize included (re-normalize with --normalize). A progress bar goes to standard \
            error; a summary line with tokens/s and texts/s ends the run.
            """
    )

    @Option(name: .long, help: "Model folder, or hub id (ORG/NAME or NAME for sentence-transformers/NAME).")
    var model: String = "all-MiniLM-L6-v2"

    @Argument(help: "Input JSON Lines file ('-' for standard input).")
    var input: String

    @Option(name: .long, help: "Output .npy file (float32, texts × dimension).")
    var output: String

    @Option(name: .long, help: "Texts per forward pass.")
    var batchSize: Int = 32

    @Option(name: .long, help: "Threads (default: all active processors).")
    var threads: Int?

    @Option(name: .long, help: "Weight precision of the encoder's linear layers: fp32, bf16 or int8.")
    var weights: WeightPrecision = .float32

    @Option(name: .long, help: "Comma-separated linear layers kept in float32 (mixed precision; see quantize-model).")
    var float32Layers: String?

    @Option(name: .long, help: "JSON Lines texts that fix int8 activation scales (static quantization; default: per token).")
    var calibration: String?

    @OptionGroup var promptOptions: PromptOptions

    @OptionGroup var truncation: TruncationOptions

    @Option(name: .long, help: "Output precision: \(Precision.allValueStrings.joined(separator: ", ")).")
    var precision: Precision = .float32

    @Option(name: .long, help: "Calibration ranges (.npy or .json, from `embedq calibrate`) for int8 / uint8 / int4 / ternary output; without them the embeddings calibrate themselves (with a warning).")
    var ranges: String?

    @Flag(name: .long, help: "No progress bar (there is none either when standard error is not a terminal).")
    var quiet = false

    func validate() throws {
        guard batchSize >= 1 else { throw ValidationError("--batch-size must be at least 1") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
        if ranges != nil, !precision.needsCalibration {
            throw ValidationError("--ranges applies to int8 / uint8 / int4 / ternary output, not \(precision.rawValue)")
        }
        if calibration != nil, weights != .int8 { throw ValidationError("--calibration applies to --weights int8") }
        var isDirectory: ObjCBool = false
        let folder = URL(fileURLWithPath: output).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--output: folder \(folder) does not exist")
        }
    }

    func run() throws {
        let texts = try JSONLinesInput.texts(path: input)
        let outputRanges = try ranges.map { try RangesFile.read(contentsOf: $0) }
        let loadStart = Date()
        let encoder = try SentenceEncoder(
            model: model, threadCount: threads, weights: weights,
            float32Layers: Set((float32Layers ?? "").split(separator: ",").map(String.init)),
            calibration: try calibration.map(JSONLinesInput.texts(path:)), dimensions: truncation.dimensions)
        StandardError.log(String(format: "model %@ (dimension %d, max %d tokens, %@ weights) loaded in %.2f s",
                                 encoder.folder.path, encoder.dimension, encoder.maxSequenceLength, weights.rawValue,
                                 Date().timeIntervalSince(loadStart)))
        // The bar redraws one line with carriage returns: only for a terminal.
        let progress = ProgressBar(total: texts.count, unit: "texts", isEnabled: !quiet && isatty(STDERR_FILENO) == 1)
        let start = Date()
        let prompt = promptOptions.choice
        let sequences = try encoder.tokenize(texts, prompt: prompt)
        let tokenCount = sequences.reduce(0) { $0 + $1.count }
        let embeddings = try encoder.encodeMatrix(
            tokenized: sequences, prompt: prompt, normalize: truncation.normalize, batchSize: batchSize) { progress.update($0) }
        let seconds = Date().timeIntervalSince(start)
        progress.update(texts.count)
        progress.finish()
        let codes = try EmbeddingQuantizer(precision: precision, ranges: outputRanges).quantize(embeddings, warningHandler: StandardError.warn)
        try NPYFile.write(codes.npyArray, to: output)
        let rate = seconds > 0 ? 1 / seconds : 0
        StandardError.log(String(format: "%d texts, %d tokens in %.3f s: %.1f tokens/s, %.2f texts/s -> %@",
                                 texts.count, tokenCount, seconds, Double(tokenCount) * rate, Double(texts.count) * rate, output))
    }
}
