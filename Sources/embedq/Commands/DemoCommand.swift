import ArgumentParser
import EmbedQ
import Foundation

/// `embedq demo`: the main job in one command — calibrate, quantize, compare sizes, search.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Calibrate and quantize the sample embeddings, print sizes and search results.",
        discussion: """
            Uses the sample in examples/demo: 131 sentences and 10 labelled queries with their \
            all-MiniLM-L6-v2 embeddings. Prints the classic four-sentence example, the memory \
            each precision takes, the top hits of a few queries per precision, and how often \
            each precision still ranks a relevant sentence first.
            """)

    @Option(help: "Folder with sentences.txt, queries.tsv and their embeddings (.npy).")
    var dataDirectory = "examples/demo"

    @Option(help: "How many queries to show hits for.")
    var showQueries = 3

    func run() throws {
        let sample = try DemoSample(directory: dataDirectory)
        let ranges = try Calibration.ranges(from: sample.sentenceEmbeddings)

        print("== The classic example: 4 sentences, int8 ranges calibrated on \(sample.sentences.count) sentences ==")
        let classic = try EmbeddingMatrix(rowCount: 4, dimension: sample.dimension,
                                          values: Array(sample.sentenceEmbeddings.values.prefix(4 * sample.dimension)))
        for precision in [Precision.float32, .int8, .binary] {
            let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(classic)
            let layout = QuantizedEmbeddings.npyLayout(of: precision, dimension: sample.dimension)
            print("\(precision.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) (4, \(layout.columns)) \(layout.dataType.name.padding(toLength: 8, withPad: " ", startingAt: 0)) \(codes.byteCount) bytes")
        }

        print("\n== Memory for \(sample.sentences.count) × \(sample.dimension) embeddings, and top-1 accuracy on \(sample.queries.count) labelled queries ==")
        print("| precision | bytes/vector | total | compression | top-1 relevant |")
        print("|---|---:|---:|---:|---:|")
        var hitsByPrecision: [Precision: [[Int]]] = [:]
        for precision in DemoSearch.precisions {
            let search = try DemoSearch(precision: precision, corpus: sample.sentenceEmbeddings, ranges: ranges)
            let hits = try sample.queryEmbeddings.rows.map { try search.top(3, for: $0) }
            hitsByPrecision[precision] = hits
            let correct = zip(hits, sample.relevant).filter { hit, relevant in relevant.contains(hit[0]) }.count
            let bytes = precision.bytesPerVector(dimension: sample.dimension)
            print("| \(precision.rawValue) | \(bytes) | \(formatBytes(bytes * sample.sentences.count)) | "
                  + "\(String(format: "%.0f", precision.compressionRatio(dimension: sample.dimension)))× | \(correct)/\(sample.queries.count) |")
        }

        for (index, query) in sample.queries.prefix(max(0, showQueries)).enumerated() {
            print("\n== Query: \"\(query)\" ==")
            for precision in [Precision.float32, .int8, .binary] {
                let top = hitsByPrecision[precision]![index][0]
                print("  \(precision.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0)) → \(sample.sentences[top])")
            }
        }
    }
}

/// The sample texts, labels and embeddings the demo runs on.
struct DemoSample {
    var sentences: [String]
    var queries: [String]
    /// 0-based indexes of the relevant sentences, one list per query.
    var relevant: [[Int]]
    var sentenceEmbeddings: EmbeddingMatrix
    var queryEmbeddings: EmbeddingMatrix

    var dimension: Int { sentenceEmbeddings.dimension }

    init(directory: String) throws {
        func read(_ name: String) throws -> String {
            let path = (directory as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandFailure("cannot read \(path); run from the repository root or pass --data-directory")
            }
            return text
        }
        sentences = try read("sentences.txt").split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        let lines = try read("queries.tsv").split(separator: "\n").dropFirst()
        queries = []
        relevant = []
        for line in lines where !line.isEmpty {
            let fields = line.split(separator: "\t")
            guard fields.count == 2 else { throw CommandFailure("queries.tsv: malformed line '\(line)'") }
            queries.append(String(fields[0]))
            relevant.append(fields[1].split(separator: ",").compactMap { Int($0).map { $0 - 1 } })
        }
        let folder = directory as NSString
        sentenceEmbeddings = try EmbeddingMatrix(contentsOfNPY: folder.appendingPathComponent("sentence-embeddings.npy"))
        queryEmbeddings = try EmbeddingMatrix(contentsOfNPY: folder.appendingPathComponent("query-embeddings.npy"))
        guard sentenceEmbeddings.rowCount == sentences.count, queryEmbeddings.rowCount == queries.count else {
            throw CommandFailure("the embeddings in \(directory) do not match its texts")
        }
    }
}

/// Brute-force search for the demo: the float query against each row of dequantized codes
/// (for bits, ±1 per dimension, which ranks exactly as Hamming distance does).
struct DemoSearch {
    static let precisions: [Precision] = [.float32, .float16, .bfloat16, .int8, .int4, .ternary, .binary]

    let rows: EmbeddingMatrix

    init(precision: Precision, corpus: EmbeddingMatrix, ranges: QuantizationRanges) throws {
        let quantizer = EmbeddingQuantizer(precision: precision, ranges: ranges)
        rows = try quantizer.dequantize(quantizer.quantize(corpus))
    }

    /// Indexes of the `k` best rows by inner product with `query`, best first.
    func top(_ k: Int, for query: [Float]) throws -> [Int] {
        let scores = (0..<rows.rowCount).map { row in zip(rows[row: row], query).reduce(Float(0)) { $0 + $1.0 * $1.1 } }
        return scores.indices.sorted { scores[$0] != scores[$1] ? scores[$0] > scores[$1] : $0 < $1 }.prefix(k).map { $0 }
    }
}
