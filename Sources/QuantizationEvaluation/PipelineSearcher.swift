import EmbeddingQuantization
import EmbeddingSearch

/// A corpus prepared for one ``RetrievalPipeline``: its codes indexed, ready for float queries.
struct PipelineSearcher: Sendable {
    private enum Storage: Sendable {
        case index(FlatIndex)
        case asymmetric(StoredCodes)
        case rescored(FlatIndex, Rescoring)
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
            }
        } catch {
            throw .search(error)
        }
    }
}
