import EmbeddingQuantization
import EmbeddingSearch

/// A corpus prepared for one ``RetrievalPipeline``: its codes indexed, ready for float queries.
struct PipelineSearcher: Sendable {
    private enum Storage: Sendable {
        case index(FlatIndex)
        case asymmetric(StoredCodes)
        case rescored(FlatIndex, Rescoring)
        case rabitq(RaBitQIndex, RaBitQSearchParameters)
    }

    private let storage: Storage
    /// Whether a larger score is better (false only for Hamming distances).
    let higherIsBetter: Bool

    /// Quantizes `corpus` for `pipeline` with `ranges` and indexes it.
    init(pipeline: RetrievalPipeline, corpus: EmbeddingMatrix, ranges: QuantizationRanges) throws(QuantizationEvaluationError) {
        func codes(_ precision: Precision) throws(QuantizationEvaluationError) -> QuantizedEmbeddings {
            do {
                return try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus)
            } catch {
                throw .quantization("\(error)")
            }
        }
        do {
            switch pipeline {
            case .float(.float32):
                storage = .index(try FlatIndex(corpus))
            case .float(let precision), .symmetric(let precision):
                storage = .index(try FlatIndex(try codes(precision)))
            case .asymmetric(let precision):
                storage = .asymmetric(StoredCodes(try codes(precision)))
            case .binaryRescore(let multiplier, let finer):
                storage = .rescored(
                    try FlatIndex(try codes(.binary)), Rescoring(multiplier: multiplier, codes: StoredCodes(try codes(finer))))
            case .rabitq(let bits, let refinement):
                guard let precision = Precision.rabitq(bits: bits) else { throw QuantizationEvaluationError.quantization("no RaBitQ precision of \(bits) bits") }
                let rotation = try RaBitQRotation.random(
                    dimension: corpus.dimension, seed: RetrievalPipeline.rabitqSeed, centroid: RaBitQRotation.mean(of: corpus))
                let rabitqRanges = try ranges.withRotation(rotation)
                let index = try RaBitQIndex(try EmbeddingQuantizer(precision: precision, ranges: rabitqRanges).quantize(corpus))
                var parameters = RaBitQSearchParameters()
                switch refinement {
                case .scan(let queryBits):
                    parameters.queryBits = queryBits
                    parameters.refinement = .estimate
                case .floatQuery:
                    parameters.refinement = .floatQuery
                case .exact(let finer):
                    parameters.refinement = .exact(finer == .float32 ? StoredCodes(corpus) : StoredCodes(try codes(finer)))
                }
                storage = .rabitq(index, parameters)
            }
        } catch let error as QuantizationEvaluationError {
            throw error
        } catch let error as SearchError {
            throw .search(error)
        } catch {
            throw .quantization("\(error)")
        }
        if case .index(let index) = storage {
            higherIsBetter = index.metric.higherIsBetter
        } else {
            higherIsBetter = true
        }
    }

    /// The best `k` rows per float query.
    func search(_ queries: EmbeddingMatrix, k: Int, threads: Int) throws(QuantizationEvaluationError) -> [[SearchHit]] {
        do {
            switch storage {
            case .index(let index): return try index.search(queries, k: k, threads: threads)
            case .asymmetric(let codes): return try codes.asymmetricSearch(queries, k: k, threads: threads)
            case .rescored(let index, let rescoring): return try index.search(queries, k: k, rescoring: rescoring, threads: threads)
            case .rabitq(let index, let parameters): return try index.search(queries, k: k, parameters: parameters, threads: threads)
            }
        } catch {
            throw .search(error)
        }
    }
}
