import ArgumentParser
import EmbedQ

/// `embedq calibrate`: per-dimension ranges (and ternary thresholds) from representative embeddings.
struct CalibrateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calibrate",
        abstract: "Compute quantization ranges from representative float embeddings.",
        discussion: """
            Reads an n × d float .npy file (n ≥ 2) and writes the ranges: a 2 × d float32 .npy \
            (row 0 minimums, row 1 maximums: the array sentence-transformers takes as `ranges`) \
            plus row 2 with the ternary thresholds, or JSON when OUTPUT ends in .json. \
            Calibrate once on the corpus and reuse the ranges for every later batch and for queries. \
            --dimensions N calibrates the first N dimensions (Matryoshka truncation; --normalize \
            re-normalizes the truncated rows), as quantize and index build will see them. \
            --rotation adds the RaBitQ centroid (the mean) and a seeded random rotation, which the \
            rabitq1 … rabitq4 precisions need ((d + 4) × d rows in .npy, version 2 in JSON). \
            --head calibrates on the head's outputs (give the same --head when quantizing).
            """)

    @Argument(help: "Float embeddings, an n × d .npy file.")
    var input: String

    @Option(name: .shortAndLong, help: "Where to write the ranges (.npy or .json).")
    var output: String

    @Option(help: "minmax, quantile:P (e.g. quantile:0.001) or meanstd:K (e.g. meanstd:3).")
    var method: CalibrationMethod = .minMax

    @Option(help: "Ternary thresholds are alpha × the standard deviation of each dimension.")
    var ternaryAlpha: Double = Calibration.defaultTernaryAlpha

    @OptionGroup var truncation: TruncationOptions

    @Flag(help: "Also store a RaBitQ centroid and random rotation (for rabitq1 … rabitq4).")
    var rotation = false

    @Option(help: "Seed of the RaBitQ rotation.")
    var rotationSeed: UInt64 = 1

    @Option(help: "Projection head (embedq train-head) applied to the embeddings first.")
    var head: String?

    @Flag(help: "Print a JSON summary on standard output.")
    var json = false

    func run() throws {
        let start = ContinuousClock.now
        let embeddings = try HeadArgument.apply(
            HeadArgument.load(head),
            to: truncation.apply(to: EmbeddingMatrix(contentsOfNPY: input), what: input), what: input)
        var ranges = try Calibration.ranges(from: embeddings, method: method, ternaryAlpha: ternaryAlpha)
        if rotation {
            ranges = try ranges.withRotation(RaBitQRotation.random(
                dimension: embeddings.dimension, seed: rotationSeed, centroid: RaBitQRotation.mean(of: embeddings)))
        }
        if embeddings.rowCount < Calibration.recommendedMinimumRows {
            StandardError.warn("calibrating on only \(embeddings.rowCount) embeddings; \(Calibration.recommendedMinimumRows) or more give more stable ranges")
        }
        try RangesFile.write(ranges, to: output)
        let widths = zip(ranges.minimums, ranges.maximums).map { $1 - $0 }
        StandardError.print(
            "calibrated \(embeddings.rowCount) × \(embeddings.dimension) by \(method) in \(seconds(since: start)); "
                + "range widths \(widths.min() ?? 0)…\(widths.max() ?? 0); wrote \(output)")
        if json {
            try JSONOutput.printLine(CalibrationSummary(
                input: input, output: output, rows: embeddings.rowCount, dimension: embeddings.dimension,
                method: method.description, ternaryAlpha: ternaryAlpha,
                minimumWidth: widths.min() ?? 0, maximumWidth: widths.max() ?? 0))
        }
    }
}

/// The `--json` output of `embedq calibrate`.
struct CalibrationSummary: Encodable {
    var input: String
    var output: String
    var rows: Int
    var dimension: Int
    var method: String
    var ternaryAlpha: Double
    var minimumWidth: Float
    var maximumWidth: Float

    enum CodingKeys: String, CodingKey {
        case input, output, rows, dimension, method
        case ternaryAlpha = "ternary_alpha"
        case minimumWidth = "minimum_width"
        case maximumWidth = "maximum_width"
    }
}
