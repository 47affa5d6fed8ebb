import ArgumentParser
import EmbedQ

/// `embedq collection create DIR --dimension D --precision P [--rescore P2] [--ranges R] [--model M]`.
struct CollectionCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an empty collection directory.",
        discussion: """
            Integer precisions (int8, uint8, int4, ternary) need calibration ranges: give them with \
            --ranges, or the collection computes them from its first batch, which must then hold at \
            least --calibration-rows vectors.
            """)

    @Argument(help: "The new collection directory.")
    var directory: String

    @Option(name: .long, help: "Dimensions of the vectors.")
    var dimension: Int

    @Option(name: .long, help: "Precision of the fast codes searched in memory (e.g. binary).")
    var precision: String

    @Option(name: .customLong("rescore"), help: "Precision of the finer codes kept on disk for rescoring (e.g. int8).")
    var rescoring: String?

    @Option(name: .long, help: "Calibration ranges (.json or .npy, as `embedq calibrate` writes them).")
    var ranges: String?

    @Option(name: .long, help: "Vectors the first batch needs when the ranges are computed from it.")
    var calibrationRows: Int = CollectionConfiguration.defaultCalibrationRows

    @Option(name: .long, parsing: .upToNextOption, help: "Payload keys to index (default: every key).")
    var indexKeys: [String] = []

    @Option(name: .long, help: "The model that makes the vectors (hub id or folder), recorded with its fingerprint for --texts and --query-text.")
    var model: String?

    func run() throws {
        let recorded = try model.map(CollectionText.record)
        let configuration = CollectionConfiguration(
            dimension: dimension, precision: try Precision(parsing: precision), rescoring: try rescoring.map(Precision.init(parsing:)),
            ranges: try ranges.map { try RangesFile.read(contentsOf: $0) }, calibrationRows: calibrationRows,
            model: recorded, indexedPayloadKeys: indexKeys.isEmpty ? nil : indexKeys)
        let collection = try VectorCollection.create(at: directory, configuration: configuration)
        collection.close()
        StandardError.log("created collection \(directory): dimension \(dimension), \(precision)\(rescoring.map { " + \($0) rescoring" } ?? "")")
    }
}
