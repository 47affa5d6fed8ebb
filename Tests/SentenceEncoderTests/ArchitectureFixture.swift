import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// A tiny random model of one architecture in `Tests/Fixtures/models/<name>/` with the outputs
/// PyTorch sentence-transformers gave for it (`expected.json`, made by
/// `scripts/fixtures/make_architecture_models.py`).
struct ArchitectureFixture {
    /// The sentence-transformers outputs.
    struct Expected: Decodable {
        var texts: [String]
        var prompts: [String: String]
        var truncateDim: Int
        var queryPromptLength: Int?
        var inputIds: [[Int32]]
        var queryInputIds: [[Int32]]
        var embeddings: [[Float]]
        var queryEmbeddings: [[Float]]
        var truncatedEmbeddings: [[Float]]
        var truncatedNormalizedEmbeddings: [[Float]]
        var buckets: [Int]?
        var bucketOffsets: [Int]?
    }

    /// The fixture folders, one per architecture.
    static let names = ["bert", "xlm-roberta", "mpnet", "nomic_bert", "modernbert"]

    let name: String
    let folder: URL
    let expected: Expected

    init(_ name: String) throws {
        self.name = name
        folder = SharedData.packageRoot.appendingPathComponent("Tests/Fixtures/models/\(name)")
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        expected = try decoder.decode(Expected.self, from: Data(contentsOf: folder.appendingPathComponent("expected.json")))
    }

    /// The model's configuration.
    func configuration() throws -> EncoderConfiguration {
        try EncoderConfiguration(contentsOf: folder.appendingPathComponent("config.json"))
    }

    /// The encoder in `precision`.
    func encoder(precision: WeightPrecision = .float32, float32Layers: Set<String> = [],
                 path: MatrixPath = .current, weightsFile: URL? = nil) throws -> TransformerEncoder {
        try TransformerEncoder(
            configuration: configuration(),
            weights: SafeTensors(contentsOf: weightsFile ?? folder.appendingPathComponent("model.safetensors")),
            precision: precision, float32Layers: float32Layers, path: path)
    }

    /// Sentence vectors of token id sequences, all in one packed batch: the transformer, then
    /// the model's pooling / Normalize, truncation to `dimension` and normalization when asked
    /// (the code `SentenceEncoder` runs after tokenizing).
    func vectors(_ ids: [[Int32]], encoder: TransformerEncoder, excludedTokens: Int = 0, dimension: Int? = nil,
                 normalize: Bool = false) throws -> [[Float]] {
        let pipeline = try SentenceTransformerPipeline(folder: folder)
        let hidden = encoder.configuration.hiddenSize
        let head = EmbeddingHead(pipeline: pipeline, hiddenSize: hidden, dimension: dimension ?? hidden * pipeline.pooling.count)
        let flat = head.vectors(tokens: encoder.tokenVectors(ids), lengths: ids.map(\.count),
                                options: .init(excludedTokens: excludedTokens, normalize: normalize))
        let width = head.dimension
        return (0..<ids.count).map { Array(flat[($0 * width)..<(($0 + 1) * width)]) }
    }

    /// Fails unless every row of `actual` is within `maxDifference` of `expected` element-wise
    /// and at cosine ≥ `minimumCosine`; returns the worst cosine and difference.
    @discardableResult
    static func assertClose(_ actual: [[Float]], _ expected: [[Float]], minimumCosine: Double = 0.99999,
                            maxDifference: Float = 1e-5, _ message: String,
                            file: StaticString = #filePath, line: UInt = #line) -> (cosine: Double, difference: Float) {
        XCTAssertEqual(actual.count, expected.count, message, file: file, line: line)
        var worstCosine = 1.0, worstDifference: Float = 0
        for (row, (a, b)) in zip(actual, expected).enumerated() {
            XCTAssertEqual(a.count, b.count, "\(message), row \(row)", file: file, line: line)
            let difference = zip(a, b).map { abs($0 - $1) }.max() ?? 0
            let dot = zip(a, b).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            let norms = (a.reduce(0.0) { $0 + Double($1) * Double($1) } * b.reduce(0.0) { $0 + Double($1) * Double($1) }).squareRoot()
            let cosine = norms > 0 ? dot / norms : (a == b ? 1 : 0)
            worstCosine = min(worstCosine, cosine)
            worstDifference = max(worstDifference, difference)
            XCTAssertGreaterThanOrEqual(cosine, minimumCosine, "\(message), row \(row)", file: file, line: line)
            XCTAssertLessThanOrEqual(difference, maxDifference, "\(message), row \(row)", file: file, line: line)
        }
        return (worstCosine, worstDifference)
    }
}
