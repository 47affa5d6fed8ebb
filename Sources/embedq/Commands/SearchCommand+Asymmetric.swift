// `embedq search CORPUS.npy --queries Q.npy --precision P --asymmetric`: float queries against codes.
import EmbedQ

extension SearchCommand {
    /// Float queries scored against the corpus codes as they dequantize (``AsymmetricIndex``: the
    /// blocked SIMD kernels for int8 / uint8 / int4 / ternary / binary / ubinary). A float corpus is
    /// quantized to `precision` first; `--rescore` does not apply (the scan is already exact).
    func searchAsymmetric(_ precision: Precision, queries: String, ranges: QuantizationRanges?, head: ProjectionHead?) throws {
        guard rescore == nil else {
            throw CommandFailure("--asymmetric scores the float query against the codes exactly: --rescore does not apply")
        }
        let codes: QuantizedEmbeddings
        switch try EmbeddingFileContents(
            contentsOfNPY: corpus, precision: precision, dimension: dimension, ranges: precision.needsCalibration ? ranges : nil)
        {
        case .floats(let embeddings):
            let matrix = try HeadArgument.apply(head, to: embeddings, what: corpus)
            codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(matrix, warningHandler: StandardError.warn)
        case .codes(let stored):
            codes = stored
        }
        let index = try AsymmetricIndex(StoredCodes(codes))
        guard case .floats(let embeddings) = try EmbeddingFileContents(
            contentsOfNPY: queries, precision: precision, dimension: index.dimension, ranges: codes.ranges)
        else {
            throw CommandFailure("--asymmetric needs float queries (m × d float32): they are scored against the codes as they dequantize")
        }
        let matrix = try HeadArgument.apply(head, to: embeddings, what: queries)
        try SearchOutput.print(try index.search(matrix, k: k, threads: threads), json: json)
    }
}
