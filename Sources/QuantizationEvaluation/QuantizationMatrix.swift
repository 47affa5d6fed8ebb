import EmbeddingQuantization
import EmbeddingSearch
import Foundation
import RetrievalEvaluation

/// Evaluates retrieval pipelines on one set of embeddings: ranges calibrated on the corpus and
/// reused for the queries, the top ``depth`` documents per query, metrics as pytrec_eval
/// computes them, and the search time per query.
public struct QuantizationMatrix: Sendable {
    /// The corpus and query embeddings.
    public let embeddings: DatasetEmbeddings
    /// The relevance judgments of the queries.
    public let judgments: RelevanceJudgments
    /// Ranges (and ternary thresholds at `Calibration/defaultTernaryAlpha`) from the corpus.
    public let ranges: QuantizationRanges
    /// Documents retrieved per query (≥ 100 so that Recall@100 is exact).
    public let depth: Int
    /// Search threads; 1 (the default) keeps times comparable between rows.
    public let threads: Int

    /// Prepares the matrix, calibrating ranges on the corpus embeddings.
    ///
    /// - Throws: ``QuantizationEvaluationError/quantization(_:)`` when calibration fails.
    public init(
        embeddings: DatasetEmbeddings, judgments: RelevanceJudgments, depth: Int = 100, threads: Int = 1
    ) throws(QuantizationEvaluationError) {
        self.embeddings = embeddings
        self.judgments = judgments
        self.depth = max(depth, 1)
        self.threads = max(threads, 1)
        do {
            ranges = try Calibration.ranges(from: embeddings.corpus)
        } catch {
            throw .quantization(error)
        }
    }

    /// Evaluates every pipeline in order; `onResult` sees each row as it is measured.
    public func evaluate(
        _ pipelines: [RetrievalPipeline] = RetrievalPipeline.standardMatrix,
        onResult: (QuantizationResult) -> Void = { _ in }
    ) throws(QuantizationEvaluationError) -> [QuantizationResult] {
        var results: [QuantizationResult] = []
        for pipeline in pipelines {
            let result = try evaluate(pipeline)
            onResult(result)
            results.append(result)
        }
        return results
    }

    /// Evaluates one pipeline, with `ranges` (default: the corpus ranges) for its codes.
    public func evaluate(
        _ pipeline: RetrievalPipeline, ranges: QuantizationRanges? = nil, name: String? = nil
    ) throws(QuantizationEvaluationError) -> QuantizationResult {
        let index = try pipeline.makeIndex(corpus: embeddings.corpus, ranges: ranges ?? self.ranges)
        let start = ContinuousClock.now
        let results: SearchResults
        do {
            results = try index.search(embeddings.queries, k: depth, threads: threads)
        } catch {
            throw .search(error)
        }
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = try metrics(of: results)
        do {
            return try QuantizationResult(
                name: name ?? pipeline.description, summary: summary,
                bytesPerVector: Double(pipeline.bytesPerVector(dimension: embeddings.corpus.dimension)),
                millisecondsPerQuery: 1000 * seconds / Double(max(embeddings.queries.rowCount, 1)))
        } catch {
            throw .report(error)
        }
    }

    /// Ternary × ternary and float × ternary at each threshold multiplier α (`t_d = α·σ_d`).
    public func ternaryAlphaSweep(
        _ alphas: [Double]
    ) throws(QuantizationEvaluationError) -> [(alpha: Double, symmetric: QuantizationResult, asymmetric: QuantizationResult)] {
        var rows: [(alpha: Double, symmetric: QuantizationResult, asymmetric: QuantizationResult)] = []
        for alpha in alphas {
            let alphaRanges: QuantizationRanges
            do {
                alphaRanges = try Calibration.ranges(from: embeddings.corpus, ternaryAlpha: alpha)
            } catch {
                throw .quantization(error)
            }
            rows.append((
                alpha,
                try evaluate(.symmetric(.ternary), ranges: alphaRanges),
                try evaluate(.asymmetric(.ternary), ranges: alphaRanges)))
        }
        return rows
    }

    /// Mean NDCG@10, Recall@10, Recall@100 and MRR@10 of the hits (rows of the corpus), scores
    /// turned "higher is better" by the results' metric.
    func metrics(of results: SearchResults) throws(QuantizationEvaluationError) -> MetricSummary {
        var rankings: [String: [ScoredDocument]] = [:]
        for (queryIndex, queryHits) in results.enumerated() {
            rankings[embeddings.queryIDs[queryIndex]] = queryHits.map {
                ScoredDocument(id: embeddings.documentIDs[$0.row], score: results.metric.rankingValue(of: $0.score))
            }
        }
        do {
            return try RankingMetrics.evaluate(
                rankings: rankings, judgments: judgments, metrics: RankingMetric.reportMetrics)
        } catch {
            throw .evaluation(error)
        }
    }
}
