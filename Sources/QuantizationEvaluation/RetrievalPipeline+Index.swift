import EmbeddingQuantization
import EmbeddingSearch

extension RetrievalPipeline {
    /// The pipeline as a `VectorIndex` over `corpus` (`n × d` float32), its codes quantized with
    /// `ranges`: a `FlatIndex` for `.float` and `.symmetric`, an `AsymmetricIndex` for
    /// `.asymmetric`, a binary `FlatIndex` refined by the finer codes (`RefineIndex`) for
    /// `.binaryRescore`, a ``RaBitQIndex`` with the row's refinement for `.rabitq`. The searches' `SearchResults/metric` tells the score direction.
    ///
    /// - Throws: ``QuantizationEvaluationError/quantization(_:)`` when quantizing fails;
    ///   ``QuantizationEvaluationError/search(_:)`` when the codes cannot be indexed.
    public func makeIndex(corpus: EmbeddingMatrix, ranges: QuantizationRanges) throws(QuantizationEvaluationError) -> any VectorIndex {
        func codes(_ precision: Precision) throws(QuantizationEvaluationError) -> QuantizedEmbeddings {
            do {
                return try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(corpus)
            } catch {
                throw .quantization(error)
            }
        }
        func indexed<Index>(_ make: () throws(SearchError) -> Index) throws(QuantizationEvaluationError) -> Index {
            do {
                return try make()
            } catch {
                throw .search(error)
            }
        }
        switch self {
        case .float(.float32):
            return try indexed { () throws(SearchError) in try FlatIndex(corpus) }
        case .float(let precision), .symmetric(let precision):
            let quantized = try codes(precision)
            return try indexed { () throws(SearchError) in try FlatIndex(quantized) }
        case .asymmetric(let precision):
            let quantized = try codes(precision)
            return try indexed { () throws(SearchError) in try AsymmetricIndex(StoredCodes(quantized)) }
        case .binaryRescore(let multiplier, let finer):
            let (bits, finerCodes) = (try codes(.binary), try codes(finer))
            return try indexed { () throws(SearchError) in
                try RefineIndex(base: try FlatIndex(bits), codes: StoredCodes(finerCodes), multiplier: multiplier)
            }
        case .rabitq(let bits, let refinement):
            guard let precision = Precision.rabitq(bits: bits) else {
                throw .quantization(.invalidParameter("no RaBitQ precision of \(bits) bits"))
            }
            let rabitqCodes: QuantizedEmbeddings
            do {
                let rotation = try RaBitQRotation.random(
                    dimension: corpus.dimension, seed: RetrievalPipeline.rabitqSeed, centroid: RaBitQRotation.mean(of: corpus))
                rabitqCodes = try EmbeddingQuantizer(precision: precision, ranges: ranges.withRotation(rotation)).quantize(corpus)
            } catch {
                throw .quantization(error)
            }
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
            var index = try indexed { () throws(SearchError) in try RaBitQIndex(rabitqCodes) }
            index.searchParameters = parameters
            return index
        }
    }
}
