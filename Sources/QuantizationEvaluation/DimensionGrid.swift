import EmbeddingQuantization
import RetrievalEvaluation

extension RetrievalPipeline {
    /// The precisions of the dimensions × precision grid: float32, int8 (int8 × int8) and binary
    /// (Hamming).
    public static let dimensionGrid: [RetrievalPipeline] = [.float(.float32), .symmetric(.int8), .symmetric(.binary)]
}

extension DatasetEmbeddings {
    /// The corpus and queries truncated to their first `dimension` columns (Matryoshka), rows
    /// re-normalized when `normalize` is set (see ``EmbeddingMatrix/truncated(to:normalize:)``).
    ///
    /// - Throws: ``QuantizationEvaluationError/quantization(_:)`` for a dimension outside
    ///   `1 ... corpus.dimension`.
    public func truncated(to dimension: Int, normalize: Bool) throws(QuantizationEvaluationError) -> DatasetEmbeddings {
        let truncatedCorpus: EmbeddingMatrix, truncatedQueries: EmbeddingMatrix
        do {
            truncatedCorpus = try corpus.truncated(to: dimension, normalize: normalize)
            truncatedQueries = try queries.truncated(to: dimension, normalize: normalize)
        } catch {
            throw .quantization(error)
        }
        return try DatasetEmbeddings(
            documentIDs: documentIDs, queryIDs: queryIDs, corpus: truncatedCorpus, queries: truncatedQueries,
            cameFromCache: cameFromCache)
    }
}

extension QuantizationMatrix {
    /// The dimensions × precision grid: for each of `dimensions`, the embeddings truncated to it
    /// (re-normalized when `normalize` is set), ranges re-calibrated on the truncated corpus, and
    /// each of `pipelines` evaluated. Rows are named `"<pipeline> @<dimension>"`, e.g.
    /// `int8 @256`; their retention is against this matrix's (full-width) float32 row.
    ///
    /// - Throws: ``QuantizationEvaluationError``.
    public func dimensionGrid(
        _ dimensions: [Int], normalize: Bool, pipelines: [RetrievalPipeline] = RetrievalPipeline.dimensionGrid,
        onResult: (QuantizationResult) -> Void = { _ in }
    ) throws(QuantizationEvaluationError) -> [QuantizationResult] {
        var results: [QuantizationResult] = []
        for dimension in dimensions {
            let matrix = try QuantizationMatrix(
                embeddings: try embeddings.truncated(to: dimension, normalize: normalize), judgments: judgments,
                depth: depth, threads: threads)
            for pipeline in pipelines {
                let result = try matrix.evaluate(pipeline, name: "\(pipeline.description) @\(dimension)")
                onResult(result)
                results.append(result)
            }
        }
        return results
    }
}
