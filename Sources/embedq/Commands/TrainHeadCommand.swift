import ArgumentParser
import EmbedQ
import Foundation

/// `embedq train-head`: a projection head trained for a precision (or ITQ / PCA) on float embeddings.
struct TrainHeadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "train-head",
        abstract: "Train a projection head (linear map, offsets, scales) for a precision on frozen float embeddings.",
        discussion: """
            Quantization-aware training (--method qat, the default): the head y = s ⊙ (W·x) − b \
            (W: d′ × d, initialized from the identity, a seeded random rotation, PCA or ITQ) is trained with the \
            precision's quantizer in the forward pass and straight-through gradients, on the \
            listwise distillation of the float32 similarities of sampled queries (--queries, else \
            corpus rows) over pools of their nearest and random documents; labelled pairs \
            (--pairs: lines 'QUERY_ROW DOCUMENT_ROW', 0-based) add a MultipleNegativesRanking \
            loss. AdamW, seeded, early stopping on held-out queries, progress on standard error. \
            --method itq / pca write the ITQ (iterative quantization) or PCA head instead; a PCA \
            head for rabitq1 … rabitq4 is uncentred (y = P·x: RaBitQ centres the corpus itself, and \
            subtracting the mean from queries would change their ranking), e.g. -p rabitq2 \
            --method pca --dimension 192 for 56-byte codes at d = 384. Apply a head with --head on \
            calibrate, quantize, search and eval.
            """)

    @Argument(help: "Corpus embeddings, an n × d float .npy file.")
    var corpus: String

    @Option(help: "Query embeddings (m × d float .npy); default: corpus rows serve as queries.")
    var queries: String?

    @Option(help: "Labelled pairs for MultipleNegativesRanking: a text file of 'QUERY_ROW DOCUMENT_ROW' lines (needs --queries).")
    var pairs: String?

    @Option(name: .shortAndLong, help: "Precision the head is trained for: binary, ubinary, ternary, int4 or rabitq1.")
    var precision: Precision

    @Option(name: .shortAndLong, help: "Where to write the head (JSON).")
    var output: String

    @Option(help: "qat (quantization-aware training), itq or pca.")
    var method: Method = .qat

    @Option(help: "Output dimension d′ ≤ d (default: d).")
    var dimension: Int?

    @Option(help: "Start of W for qat: identity, rotation, pca or itq.")
    var initialization: HeadTrainingOptions.Initialization = .identity

    @Option(help: "Maximum training steps.")
    var steps = 400

    @Option(help: "AdamW learning rate.")
    var learningRate = 5e-4

    @Option(help: "Seed of every random choice.")
    var seed: UInt64 = 1

    @Flag(help: "Print a JSON summary on standard output.")
    var json = false

    enum Method: String, ExpressibleByArgument, CaseIterable {
        case qat, itq, pca
    }

    func run() throws {
        let start = ContinuousClock.now
        let corpusMatrix = try EmbeddingMatrix(contentsOfNPY: corpus)
        let queryMatrix = try queries.map { try EmbeddingMatrix(contentsOfNPY: $0) }
        let labelled = try pairs.map { try Self.readPairs($0) } ?? []
        let p = dimension ?? corpusMatrix.dimension
        var head: ProjectionHead
        do {
            head = try makeHead(corpus: corpusMatrix, queries: queryMatrix, pairs: labelled, outputDimension: p)
            head.precision = precision
            try ProjectionHeadFile.write(head, to: output)
        } catch {
            throw CommandFailure("\(error)")
        }
        StandardError.print("embedq: \(method.rawValue) head \(corpusMatrix.dimension) → \(p) for \(precision.rawValue) in \(seconds(since: start)); wrote \(output)")
        if json {
            try JSONOutput.printLine(HeadSummary(
                output: output, method: method.rawValue, precision: precision.rawValue,
                inputDimension: corpusMatrix.dimension, outputDimension: p))
        }
    }

    /// The head of `--method`: trained (qat), or computed (itq, pca).
    private func makeHead(
        corpus: EmbeddingMatrix, queries: EmbeddingMatrix?, pairs: [(query: Int, document: Int)], outputDimension p: Int
    ) throws(TrainingError) -> ProjectionHead {
        let values = corpus.values.map(Double.init)
        switch method {
        case .itq:
            return try IterativeQuantization.itqHead(values, count: corpus.rowCount, dimension: corpus.dimension, outputDimension: p, seed: seed)
        case .pca:
            // RaBitQ centres the corpus itself; other codes need centred inputs.
            return try IterativeQuantization.pcaHead(
                values, count: corpus.rowCount, dimension: corpus.dimension, outputDimension: p,
                centred: precision.rabitqCodeBits == nil)
        case .qat:
            let options = HeadTrainingOptions(
                quantizer: try HeadQuantizer(for: precision), outputDimension: p, initialization: initialization,
                learningRate: learningRate, maximumSteps: steps, seed: seed)
            return try HeadTrainer.train(corpus: corpus, queries: queries, pairs: pairs, options: options) { report in
                StandardError.print(String(
                    format: "embedq: step %d: training loss %.4f, held-out loss %.4f (best %.4f)",
                    report.step, report.trainingLoss, report.heldOutLoss, report.bestHeldOutLoss))
            }
        }
    }

    /// `QUERY_ROW DOCUMENT_ROW` lines (blank lines and `#` comments skipped).
    static func readPairs(_ path: String) throws -> [(query: Int, document: Int)] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw CommandFailure("--pairs: cannot read \(path) as UTF-8 text")
        }
        var result: [(query: Int, document: Int)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," })
            if fields.isEmpty || fields[0].hasPrefix("#") { continue }
            guard fields.count == 2, let query = Int(fields[0]), let document = Int(fields[1]), query >= 0, document >= 0 else {
                throw CommandFailure("--pairs: \(path) line \(number + 1): expected 'QUERY_ROW DOCUMENT_ROW', got '\(line)'")
            }
            result.append((query, document))
        }
        return result
    }
}

extension HeadTrainingOptions.Initialization: ExpressibleByArgument {}

/// The `--json` output of `embedq train-head`.
struct HeadSummary: Encodable {
    var output: String
    var method: String
    var precision: String
    var inputDimension: Int
    var outputDimension: Int

    enum CodingKeys: String, CodingKey {
        case output, method, precision
        case inputDimension = "input_dimension"
        case outputDimension = "output_dimension"
    }
}
