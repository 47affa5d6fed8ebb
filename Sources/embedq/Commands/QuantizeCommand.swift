import ArgumentParser
import EmbedQ

/// `embedq quantize`: float embeddings to compact codes.
struct QuantizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quantize",
        abstract: "Quantize float embeddings to a compact precision.",
        discussion: """
            int8, uint8, binary and ubinary files hold exactly the arrays \
            sentence_transformers.util.quantize_embeddings returns (same dtype, shape and bytes). \
            int8 / uint8 / int4 use --ranges (or --calibration embeddings); without either they \
            calibrate on the input itself, as sentence-transformers does (an error for one row, \
            a warning under 100). ternary needs ranges with thresholds (from `embedq calibrate`) \
            or calibrates on the input. --dimensions N keeps the first N dimensions first \
            (Matryoshka truncation; --normalize re-normalizes the truncated rows).
            """)

    @Argument(help: "Float embeddings, an n × d .npy file.")
    var input: String

    @Option(name: .shortAndLong, help: "Target precision: \(Precision.allValueStrings.joined(separator: ", ")).")
    var precision: Precision

    @Option(help: "Ranges from `embedq calibrate` (.npy 2 × d or 3 × d, or .json).")
    var ranges: String?

    @Option(help: "Embeddings to calibrate the ranges on (.npy), when no --ranges are given.")
    var calibration: String?

    @Option(help: "Rounding of integer codes: floor (sentence-transformers) or nearest.")
    var rounding: RoundingMode = .floor

    @Option(name: .shortAndLong, help: "Where to write the codes (.npy).")
    var output: String

    @Option(help: "Also write the ranges that were used (.npy or .json).")
    var saveRanges: String?

    @OptionGroup var truncation: TruncationOptions

    @Flag(help: "Print a JSON summary on standard output.")
    var json = false

    func validate() throws {
        if ranges != nil, calibration != nil {
            throw ValidationError("give either --ranges or --calibration, not both")
        }
    }

    func run() throws {
        let start = ContinuousClock.now
        let embeddings = try truncation.apply(to: EmbeddingMatrix(contentsOfNPY: input), what: input)
        var resolvedRanges = try ranges.map { try RangesFile.read(contentsOf: $0) }
        if let calibration, precision.needsCalibration {
            resolvedRanges = try Calibration.ranges(from: truncation.apply(to: EmbeddingMatrix(contentsOfNPY: calibration), what: calibration))
        }
        let quantizer = EmbeddingQuantizer(precision: precision, ranges: resolvedRanges, rounding: rounding)
        let quantized = try quantizer.quantize(embeddings) { StandardError.warn($0) }
        try NPYFile.write(quantized.npyArray, to: output)
        if let saveRanges {
            guard let used = quantized.ranges else {
                throw CommandFailure("--save-ranges: precision \(precision.rawValue) uses no ranges")
            }
            try RangesFile.write(used, to: saveRanges)
        }
        let floatBytes = embeddings.rowCount * embeddings.dimension * 4
        StandardError.print(
            "quantized \(embeddings.rowCount) × \(embeddings.dimension) to \(precision.rawValue) in \(seconds(since: start)): "
                + "\(formatBytes(floatBytes)) → \(formatBytes(quantized.byteCount)) "
                + "(\(String(format: "%.1f", precision.compressionRatio(dimension: embeddings.dimension)))× smaller); wrote \(output)")
        if json {
            try JSONOutput.printLine(QuantizationSummary(
                input: input, output: output, precision: precision.rawValue, rows: quantized.rowCount,
                dimension: quantized.dimension, bytesPerVector: quantized.bytesPerVector,
                inputBytes: floatBytes, outputBytes: quantized.byteCount))
        }
    }
}

/// The `--json` output of `embedq quantize`.
struct QuantizationSummary: Encodable {
    var input: String
    var output: String
    var precision: String
    var rows: Int
    var dimension: Int
    var bytesPerVector: Int
    var inputBytes: Int
    var outputBytes: Int

    enum CodingKeys: String, CodingKey {
        case input, output, precision, rows, dimension
        case bytesPerVector = "bytes_per_vector"
        case inputBytes = "input_bytes"
        case outputBytes = "output_bytes"
    }
}
