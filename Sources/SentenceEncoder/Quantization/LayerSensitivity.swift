import Foundation

/// How much quantizing one linear layer alone moves the final embeddings: the cosine of each
/// text's embedding to its float32 embedding when only `layer` is in the lower precision.
public struct LayerSensitivity: Sendable, Hashable {
    /// The linear layer, named as in ``TransformerEncoder/linearLayerNames`` (e.g. `layer.5.output`).
    public let layer: String
    /// Mean cosine to float32 over the texts (1 = unchanged).
    public let meanCosine: Double
    /// Smallest cosine to float32 over the texts.
    public let minimumCosine: Double

    /// Measures every linear layer of the model in `folder` on `texts`, worst (lowest mean
    /// cosine) first: one forward pass over `texts` per linear layer, plus one in float32.
    ///
    /// - Parameters:
    ///   - folder: the model folder.
    ///   - texts: the texts the embeddings are compared on.
    ///   - precision: the precision tried for each layer (`.int8` or `.bfloat16`).
    ///   - threadCount: threads per forward pass; `nil` uses every active processor.
    /// - Throws: ``SentenceEncoderError`` from loading the model.
    public static func measure(folder: URL, texts: [String], precision: WeightPrecision = .int8,
                               threadCount: Int? = nil) throws -> [LayerSensitivity] {
        let reference = try SentenceEncoder(folder: folder, threadCount: threadCount)
        let sequences = try reference.tokenize(texts)
        let expected = try reference.encodeRowMajor(tokenized: sequences)
        let names = reference.model.linearLayerNames
        return try names.map { name in
            let encoder = try SentenceEncoder(folder: folder, threadCount: threadCount, weights: precision,
                                              float32Layers: Set(names).subtracting([name]))
            let (mean, minimum) = cosines(try encoder.encodeRowMajor(tokenized: sequences), expected, dimension: encoder.dimension)
            return LayerSensitivity(layer: name, meanCosine: mean, minimumCosine: minimum)
        }
        .sorted { $0.meanCosine < $1.meanCosine }
    }

    /// Mean and minimum cosine between corresponding rows of two `rows × dimension` matrices.
    public static func cosines(_ a: [Float], _ b: [Float], dimension: Int) -> (mean: Double, minimum: Double) {
        precondition(a.count == b.count && dimension > 0 && a.count % dimension == 0)
        let rows = a.count / dimension
        guard rows > 0 else { return (1, 1) }
        var total = 0.0, minimum = Double.infinity
        for row in 0..<rows {
            var dot = 0.0, normA = 0.0, normB = 0.0
            for index in (row * dimension)..<((row + 1) * dimension) {
                dot += Double(a[index]) * Double(b[index])
                normA += Double(a[index]) * Double(a[index])
                normB += Double(b[index]) * Double(b[index])
            }
            let cosine = normA > 0 && normB > 0 ? dot / (normA * normB).squareRoot() : (normA == normB ? 1 : 0)
            total += cosine
            minimum = min(minimum, cosine)
        }
        return (total / Double(rows), minimum)
    }
}
