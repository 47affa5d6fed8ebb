// `embedq search`: exact top-k search over float embeddings or quantized codes in .npy files.
import ArgumentParser
import EmbedQ
import Foundation

/// `embedq search CORPUS.npy --queries Q.npy --precision P [--ranges R.npy] -k 10
/// [--rescore MULT --rescore-with int8|float32|bits] [--threads N] [--json]`, or
/// `embedq search INDEX (--queries Q.npy | --query-text TEXT…) -k 10 [--rescore MULT] [--json]`
/// for an index file (see ``IndexSearch``).
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Exact top-k search over embeddings or quantized codes.",
        discussion: """
            CORPUS.npy holds either float embeddings (n × d; quantized here to --precision) or codes \
            of --precision (n × bytes per vector, int8 or uint8 dtype). Queries are float embeddings \
            (quantized like the corpus) or codes of the same precision. Scores: inner product, \
            higher is better; for binary and ubinary the Hamming distance in bits, lower is better; \
            after rescoring, the float query's inner product with the finer codes. Rows are 0-based, \
            best first, equal scores by ascending row. An index file (`embedq index build`) in place \
            of CORPUS.npy is searched with its own precisions and prints document ids; --rescore \
            then rescores with its on-disk codes, and --query-text works when it records its model.
            """
    )

    @Argument(help: "The corpus .npy (float embeddings n × d or codes n × bytes per vector), or an index file.")
    var corpus: String

    @Option(name: .long, help: "The queries .npy: float embeddings (m × d) or codes of --precision.")
    var queries: String?

    @Option(name: .long, help: "A query text (repeatable), encoded with the model an index file records.")
    var queryText: [String] = []

    @Option(name: .long, help: "Precision of the search: \(Precision.allCases.map(\.rawValue).joined(separator: ", ")) (a .npy corpus only).")
    var precision: String?

    @Option(name: .long, help: "Calibration ranges .npy (2 × d minimums / maximums, optional third row of ternary thresholds).")
    var ranges: String?

    @Option(name: .customShort("k"), help: "Hits per query.")
    var k: Int = 10

    @Option(name: .long, help: "Rescore k × MULT candidates with the float query (needs float queries).")
    var rescore: Int?

    @Option(name: .long, help: "Finer codes for rescoring: int8, float32 (both need a float corpus) or bits (binary / ubinary codes).")
    var rescoreWith: RescoreSource = .float32

    @Option(name: .long, help: "Threads (default: every core).")
    var threads: Int?

    @Option(name: .long, help: "Dimension of a code corpus when it is not the default (bit codes: 8 × bytes).")
    var dimension: Int?

    @Flag(name: .long, help: "One JSON object per query: {\"query\": Q, \"hits\": [{\"row\": R, \"score\": S}, …]}.")
    var json = false

    @Option(name: .long, help: "Projection head (embedq train-head) applied to float corpus and queries alike (a .npy corpus only).")
    var head: String?

    enum RescoreSource: String, ExpressibleByArgument, CaseIterable {
        case int8, float32, bits
    }

    func run() throws {
        if IndexInput.isIndexFile(corpus) {
            if precision != nil || ranges != nil || dimension != nil {
                StandardError.warn("\(corpus) is an index file: --precision, --ranges and --dimension are ignored (it records its own)")
            }
            try IndexSearch(
                path: corpus, queries: queries, queryTexts: queryText, k: k, rescore: rescore, threads: threads, json: json
            ).run()
            return
        }
        guard let queries, let precisionName = self.precision, queryText.isEmpty else {
            throw SearchInputError("searching a .npy corpus needs --queries Q.npy and --precision P (--query-text needs an index file)")
        }
        let precision = try Precision(parsing: precisionName)
        let corpusArray = try NPYFile.read(contentsOf: corpus)
        let queryArray = try NPYFile.read(contentsOf: queries)
        let calibration = try ranges.map { try Self.readRanges($0) }
        let projection = try HeadArgument.load(head)
        if precision.rabitqCodeBits != nil {
            try searchRaBitQ(precision, corpusArray: corpusArray, queryArray: queryArray, ranges: calibration, head: projection)
            return
        }

        // The corpus: float embeddings to quantize, or codes as they are.
        var floatCorpus: EmbeddingMatrix?
        let index: FlatIndex
        if corpusArray.dataType.isFloatingPoint {
            let matrix = try HeadArgument.apply(projection, to: Self.matrix(corpusArray, what: corpus), what: corpus)
            floatCorpus = matrix
            if precision == .float32 {
                index = try FlatIndex(matrix)
            } else {
                index = try FlatIndex(try EmbeddingQuantizer(precision: precision, ranges: calibration).quantize(matrix, warningHandler: Self.warn))
            }
        } else {
            index = try FlatIndex(try Self.codes(corpusArray, precision: precision, ranges: calibration, dimension: dimension, what: corpus))
        }

        // The queries, and the search.
        let results: [[SearchHit]]
        let metric: Metric
        if queryArray.dataType.isFloatingPoint {
            let matrix = try HeadArgument.apply(projection, to: Self.matrix(queryArray, what: queries), what: queries)
            if let multiplier = rescore {
                let finer = try finerCodes(index: index, floatCorpus: floatCorpus, ranges: calibration)
                results = try index.search(matrix, k: k, rescoring: Rescoring(multiplier: multiplier, codes: finer), threads: threads)
                metric = .innerProduct
            } else {
                results = try index.search(matrix, k: k, threads: threads)
                metric = index.metric
            }
        } else {
            guard rescore == nil else {
                throw SearchInputError("--rescore needs float queries (the rescoring scores the float query against finer codes)")
            }
            let codes = try Self.codes(queryArray, precision: precision, ranges: index.ranges, dimension: index.dimension, what: queries)
            results = try index.search(codes, k: k, threads: threads)
            metric = index.metric
        }
        print(Self.render(results, metric: metric, json: json), terminator: "")
    }

    /// RaBitQ codes (``RaBitQIndex``): float queries only; the candidates whose bound reaches the
    /// k-th are refined with the float query, or with `--rescore-with` codes when `--rescore` is given.
    private func searchRaBitQ(
        _ precision: Precision, corpusArray: NPYArray, queryArray: NPYArray, ranges: QuantizationRanges?, head: ProjectionHead?
    ) throws {
        guard let queries, queryArray.dataType.isFloatingPoint else {
            throw SearchInputError("\(precision.rawValue) search needs float queries (the RaBitQ estimator rotates the float query)")
        }
        guard let ranges, ranges.rotation != nil else {
            throw SearchInputError("\(precision.rawValue) needs --ranges with a RaBitQ rotation (embedq calibrate --rotation)")
        }
        let queryMatrix = try HeadArgument.apply(head, to: Self.matrix(queryArray, what: queries), what: queries)
        var floatCorpus: EmbeddingMatrix?
        let codes: QuantizedEmbeddings
        if corpusArray.dataType.isFloatingPoint {
            let matrix = try HeadArgument.apply(head, to: Self.matrix(corpusArray, what: corpus), what: corpus)
            floatCorpus = matrix
            codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(matrix)
        } else {
            codes = try Self.codes(corpusArray, precision: precision, ranges: ranges, dimension: dimension, what: corpus)
        }
        let index = try RaBitQIndex(codes)
        var parameters = RaBitQSearchParameters()
        if rescore != nil {
            guard let floatCorpus, rescoreWith != .bits else {
                throw SearchInputError("--rescore with \(precision.rawValue) needs a float corpus and --rescore-with int8 or float32")
            }
            parameters.refinement = .exact(rescoreWith == .float32
                ? StoredCodes(floatCorpus)
                : StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(floatCorpus)))
        }
        let results = try index.search(queryMatrix, k: k, parameters: parameters, threads: threads)
        print(Self.render(results, metric: .innerProduct, json: json), terminator: "")
    }

    /// The codes rescoring reads: int8 or float32 from the float corpus, or the index's own bits.
    private func finerCodes(index: FlatIndex, floatCorpus: EmbeddingMatrix?, ranges: QuantizationRanges?) throws -> StoredCodes {
        switch rescoreWith {
        case .float32, .int8:
            guard let floatCorpus else {
                throw SearchInputError("--rescore-with \(rescoreWith.rawValue) needs a float corpus .npy")
            }
            if rescoreWith == .float32 { return StoredCodes(floatCorpus) }
            return StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(floatCorpus, warningHandler: Self.warn))
        case .bits:
            guard index.precision == .binary || index.precision == .ubinary, let floatCorpus else {
                throw SearchInputError("--rescore-with bits needs --precision binary or ubinary and a float corpus")
            }
            return StoredCodes(try EmbeddingQuantizer(precision: index.precision).quantize(floatCorpus))
        }
    }

    static func warn(_ message: String) {
        FileHandle.standardError.write(Data("warning: \(message)\n".utf8))
    }

    /// A 2-D float array as a matrix (a 1-D array is one row).
    static func matrix(_ array: NPYArray, what: String) throws -> EmbeddingMatrix {
        let values = try array.float32Values()
        switch array.shape.count {
        case 1: return EmbeddingMatrix(vector: values)
        case 2: return try EmbeddingMatrix(rowCount: array.shape[0], dimension: array.shape[1], values: values)
        default: throw SearchInputError("\(what): expected a 2-D array of embeddings, got shape \(array.shape)")
        }
    }

    /// A 2-D int8 / uint8 array as codes of `precision` (one row per embedding).
    static func codes(
        _ array: NPYArray, precision: Precision, ranges: QuantizationRanges?, dimension: Int?, what: String
    ) throws -> QuantizedEmbeddings {
        guard array.dataType == .int8 || array.dataType == .uint8 else {
            throw SearchInputError("\(what): codes must have dtype int8 or uint8, got \(array.dataType.name)")
        }
        let shape = array.shape.count == 1 ? [1] + array.shape : array.shape
        guard shape.count == 2 else { throw SearchInputError("\(what): expected a 2-D array of codes, got shape \(array.shape)") }
        let width = shape[1]
        let d: Int
        if let dimension {
            d = dimension
        } else {
            switch precision {
            case .binary, .ubinary: d = width * 8
            case .ternary: d = width / 2 * 8
            case .int4: d = width * 2
            case .int8, .uint8: d = width
            case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
                d = max(width - RaBitQCodes.factorBytes, 0) / (precision.rabitqCodeBits ?? 1) * 8
            case .float32, .float16, .bfloat16:
                throw SearchInputError("\(what): \(precision.rawValue) data must be a float .npy, not \(array.dataType.name) codes")
            }
        }
        do {
            return try QuantizedEmbeddings(
                precision: precision, rowCount: shape[0], dimension: d, codes: array.bytes,
                ranges: precision.needsCalibration ? ranges : nil)
        } catch {
            throw SearchInputError("\(what): \(error) (shape \(array.shape) as \(precision.rawValue) codes of dimension \(d))")
        }
    }

    /// Ranges from a 2 × d (or 3 × d, with ternary thresholds) float .npy.
    static func readRanges(_ path: String) throws -> QuantizationRanges {
        // RangesFile reads every layout (.npy 2 × d / 3 × d / with a RaBitQ rotation, or JSON).
        try RangesFile.read(contentsOf: path)
    }

    /// Text (one block per query) or JSON lines.
    static func render(_ results: [[SearchHit]], metric: Metric, json: Bool) -> String {
        var output = ""
        for (query, hits) in results.enumerated() {
            if json {
                let items = hits.map { "{\"row\": \($0.row), \"score\": \(number($0.score))}" }
                output += "{\"query\": \(query), \"hits\": [\(items.joined(separator: ", "))]}\n"
            } else {
                let label = metric == .hammingDistance ? "distance" : "score"
                output += "query \(query):\n"
                for (rank, hit) in hits.enumerated() {
                    output += "  \(rank + 1). row \(hit.row)  \(label) \(number(hit.score))\n"
                }
            }
        }
        return output
    }

    /// Whole numbers without a fraction; other scores as their shortest float32 spelling.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 9e15 { return String(Int64(value)) }
        return "\(Float(value))"
    }
}
/// A problem with the command's input files or options, reported without the usage text.
struct SearchInputError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
