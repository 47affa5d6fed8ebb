// `embedq search`: exact top-k search over float embeddings or quantized codes in .npy files.
import ArgumentParser
import EmbedQ
import Foundation

/// `embedq search CORPUS.npy --queries Q.npy --precision P [--ranges R.npy] -k 10
/// [--rescore MULT --rescore-with int8|float32|bits | --asymmetric] [--threads N] [--json]`, or
/// `embedq search INDEX (--queries Q.npy | --query-text TEXT…) -k 10 [--rescore MULT] [--ef 64 | --exact] [--json]`
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
            after rescoring, the float query's inner product with the finer codes. --asymmetric scores \
            float queries against the codes as they dequantize (int8, uint8, int4 with --ranges; \
            ternary; binary / ubinary as ±1), exactly, with the blocked SIMD kernels (AsymmetricIndex). \
            Rows are 0-based, \
            best first, equal scores by ascending row. An index file (`embedq index build`) in place \
            of CORPUS.npy is searched with its own precisions and prints document ids; --rescore \
            then rescores with its on-disk codes, and --query-text works when it records its model. \
            An index with a graph (`embedq index build --graph`, `embedq index graph`) is searched \
            through it: approximate, --ef candidates wide (default 64; exact when --ef reaches the \
            live rows); --exact scans every row instead.
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

    @Option(name: .long, help: "Calibration ranges from `embedq calibrate` (.npy 2 × d or 3 × d, or .json).")
    var ranges: String?

    @Option(name: .customShort("k"), help: "Hits per query.")
    var k: Int = 10

    @Option(name: .long, help: "Rescore k × MULT candidates with the float query (needs float queries).")
    var rescore: Int?

    @Option(name: .long, help: "Finer codes for rescoring: int8, float32 (both need a float corpus) or bits (binary / ubinary codes).")
    var rescoreWith: RescoreSource = .float32

    @Option(name: .long, help: "Graph search breadth: candidates kept per query (an index with a graph; default 64).")
    var ef: Int?

    @Flag(name: .long, help: "Scan every row exactly even when the index has a graph.")
    var exact = false

    @Option(name: .long, help: "Threads (default: every core).")
    var threads: Int?

    @Option(name: .long, help: "Dimension of a code corpus when it is not the default (bit codes: 8 × bytes).")
    var dimension: Int?

    @Flag(name: .long, help: "Score float queries against the codes as they dequantize (AsymmetricIndex), not against quantized queries.")
    var asymmetric = false

    @Flag(name: .long, help: "One JSON object per query: {\"hits\":[{\"row\":R,\"score\":S},…],\"query\":Q} (\"id\" for index files).")
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
                path: corpus, queries: queries, queryTexts: queryText, k: k, rescore: rescore, ef: ef, exact: exact,
                threads: threads, json: json
            ).run()
            return
        }
        if ef != nil || exact {
            throw CommandFailure("--ef and --exact apply to an index file with a graph; a .npy corpus is always scanned exactly")
        }
        guard let queries, let precisionName = self.precision, queryText.isEmpty else {
            throw CommandFailure("searching a .npy corpus needs --queries Q.npy and --precision P (--query-text needs an index file)")
        }
        let precision = try Precision(parsing: precisionName)
        let calibration = try ranges.map { try RangesFile.read(contentsOf: $0) }
        let codeRanges = precision.needsCalibration ? calibration : nil
        let projection = try HeadArgument.load(head)
        if precision.rabitqCodeBits != nil {
            try searchRaBitQ(precision, queries: queries, ranges: calibration, head: projection)
            return
        }
        if asymmetric {
            try searchAsymmetric(precision, queries: queries, ranges: calibration, head: projection)
            return
        }

        // The corpus: float embeddings to quantize, or codes as they are.
        var floatCorpus: EmbeddingMatrix?
        let index: FlatIndex
        switch try EmbeddingFileContents(contentsOfNPY: corpus, precision: precision, dimension: dimension, ranges: codeRanges) {
        case .floats(let embeddings):
            let matrix = try HeadArgument.apply(projection, to: embeddings, what: corpus)
            floatCorpus = matrix
            index = precision == .float32
                ? try FlatIndex(matrix)
                : try FlatIndex(try EmbeddingQuantizer(precision: precision, ranges: calibration).quantize(matrix, warningHandler: StandardError.warn))
        case .codes(let codes):
            index = try FlatIndex(codes)
        }

        // The queries, and the search.
        let results: SearchResults
        switch try EmbeddingFileContents(contentsOfNPY: queries, precision: precision, dimension: index.dimension, ranges: index.ranges) {
        case .floats(let embeddings):
            let matrix = try HeadArgument.apply(projection, to: embeddings, what: queries)
            let searched: any VectorIndex = try rescore.map { multiplier in
                try RefineIndex(base: index, codes: try finerCodes(index: index, floatCorpus: floatCorpus, ranges: calibration), multiplier: multiplier)
            } ?? index
            results = try searched.search(matrix, k: k, threads: threads)
        case .codes(let codes):
            guard rescore == nil else {
                throw CommandFailure("--rescore needs float queries (the rescoring scores the float query against finer codes)")
            }
            results = try index.search(codes, k: k, threads: threads)
        }
        try SearchOutput.print(results, json: json)
    }

    /// RaBitQ codes (``RaBitQIndex``): float queries only; the candidates whose bound reaches the
    /// k-th are refined with the float query, or with `--rescore-with` codes when `--rescore` is given.
    private func searchRaBitQ(_ precision: Precision, queries: String, ranges: QuantizationRanges?, head: ProjectionHead?) throws {
        guard let ranges, ranges.rotation != nil else {
            throw CommandFailure("\(precision.rawValue) needs --ranges with a RaBitQ rotation (embedq calibrate --rotation)")
        }
        guard case .floats(let queryEmbeddings) = try EmbeddingFileContents(contentsOfNPY: queries, precision: precision, ranges: ranges) else {
            throw CommandFailure("\(precision.rawValue) search needs float queries (the RaBitQ estimator rotates the float query)")
        }
        let queryMatrix = try HeadArgument.apply(head, to: queryEmbeddings, what: queries)
        var floatCorpus: EmbeddingMatrix?
        let codes: QuantizedEmbeddings
        switch try EmbeddingFileContents(contentsOfNPY: corpus, precision: precision, dimension: dimension, ranges: ranges) {
        case .floats(let embeddings):
            let matrix = try HeadArgument.apply(head, to: embeddings, what: corpus)
            floatCorpus = matrix
            codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(matrix)
        case .codes(let corpusCodes):
            codes = corpusCodes
        }
        var index = try RaBitQIndex(codes)
        if rescore != nil {
            guard let floatCorpus, rescoreWith != .bits else {
                throw CommandFailure("--rescore with \(precision.rawValue) needs a float corpus and --rescore-with int8 or float32")
            }
            index.searchParameters.refinement = .exact(rescoreWith == .float32
                ? StoredCodes(floatCorpus)
                : StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(floatCorpus)))
        }
        try SearchOutput.print(try index.search(queryMatrix, k: k, threads: threads), json: json)
    }

    /// The codes rescoring reads: int8 or float32 from the float corpus, or the index's own bits.
    private func finerCodes(index: FlatIndex, floatCorpus: EmbeddingMatrix?, ranges: QuantizationRanges?) throws -> StoredCodes {
        switch rescoreWith {
        case .float32, .int8:
            guard let floatCorpus else {
                throw CommandFailure("--rescore-with \(rescoreWith.rawValue) needs a float corpus .npy")
            }
            if rescoreWith == .float32 { return StoredCodes(floatCorpus) }
            return StoredCodes(try EmbeddingQuantizer(precision: .int8, ranges: ranges).quantize(floatCorpus, warningHandler: StandardError.warn))
        case .bits:
            guard index.precision == .binary || index.precision == .ubinary, let floatCorpus else {
                throw CommandFailure("--rescore-with bits needs --precision binary or ubinary and a float corpus")
            }
            return StoredCodes(try EmbeddingQuantizer(precision: index.precision).quantize(floatCorpus))
        }
    }
}
