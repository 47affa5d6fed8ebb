import ArgumentParser
import EmbedQ

/// `embedq collection create DIR --dimension D --precision P [--rescore P2] [--ranges R] [--model M]
/// [--index hnsw [--m 16] [--ef-construction 128] [--seed 0]]`.
struct CollectionCreateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create an empty collection directory.",
        discussion: """
            Integer precisions (int8, uint8, int4, ternary) need calibration ranges: give them with \
            --ranges, or the collection computes them from its first batch, which must then hold at \
            least --calibration-rows vectors.
            RaBitQ precisions (rabitq1 … rabitq4) need a centroid and rotation: give ranges with one \
            (embedq calibrate --rotation), or the collection takes the first batch's mean and the \
            default rotation (seed 1). Their searches scan the codes with a 4-bit query and refine \
            the candidates of the error bound with the float query (scores: estimated inner \
            products); with --rescore int8, collection search --rescore M rescores the best k × M.
            --index hnsw gives every segment an HNSW graph over its fast codes (binary, ubinary, \
            ternary, int8 or float codes), built when a flush or merge writes the segment; searches \
            walk it (collection search --ef, or --exact to scan).
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

    @Option(name: .long, help: "How segments are searched: flat (an exact scan) or hnsw (an HNSW graph per segment).")
    var index: String = "flat"

    @Option(name: .customLong("m"), help: "With --index hnsw: M, links per node on the upper levels (2 M on level 0; default 16).")
    var connectivity: Int?

    @Option(name: .long, help: "With --index hnsw: ef_construction, candidates kept while linking each row (default 128).")
    var efConstruction: Int?

    @Option(name: .long, help: "With --index hnsw: seed of the node levels (default 0; same seed and codes, same graph).")
    var seed: UInt64?

    func validate() throws {
        guard ["flat", "hnsw"].contains(index) else { throw ValidationError("--index must be flat or hnsw, got '\(index)'") }
        if index == "flat", connectivity != nil || efConstruction != nil || seed != nil {
            throw ValidationError("--m, --ef-construction and --seed need --index hnsw")
        }
    }

    /// The collection index the options ask for.
    var collectionIndex: CollectionIndex {
        guard index == "hnsw" else { return .flat }
        let defaults = HNSWParameters()
        return .hnsw(HNSWParameters(
            connectivity: connectivity ?? defaults.connectivity, efConstruction: efConstruction ?? defaults.efConstruction,
            seed: seed ?? defaults.seed))
    }

    func run() throws {
        let recorded = try model.map(CollectionText.record)
        let configuration = CollectionConfiguration(
            dimension: dimension, precision: try Precision(parsing: precision), rescoring: try rescoring.map(Precision.init(parsing:)),
            ranges: try ranges.map { try RangesFile.read(contentsOf: $0) }, calibrationRows: calibrationRows,
            model: recorded, indexedPayloadKeys: indexKeys.isEmpty ? nil : indexKeys, index: collectionIndex)
        let collection = try VectorCollection.create(at: directory, configuration: configuration)
        collection.close()
        let graph = configuration.index.graphParameters.map { ", HNSW graphs (M \($0.connectivity), ef_construction \($0.efConstruction), seed \($0.seed))" } ?? ""
        StandardError.log("created collection \(directory): dimension \(dimension), \(precision)\(rescoring.map { " + \($0) rescoring" } ?? "")\(graph)")
    }
}
