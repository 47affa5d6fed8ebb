import EmbeddingQuantization
import EmbeddingStore

/// Writes float32 embeddings into index files: quantizes them to the fast (and rescoring)
/// precision and creates the file or appends to it (`IndexFile`).
public enum IndexBuilder {
    /// Creates the index at `path` (replacing any file there) from float32 embeddings.
    ///
    /// - Parameters:
    ///   - path: the index file to create.
    ///   - embeddings: `n × d` float32 embeddings, one row per document.
    ///   - ids: one non-empty, unique id per row.
    ///   - precision: the fast-pass precision (e.g. `binary`), kept in memory when searching.
    ///   - rescoring: the finer precision kept on disk for rescoring (e.g. `int8`), or `nil`.
    ///   - ranges: calibration for `int8`, `uint8`, `int4` and `ternary` codes; `nil` computes
    ///     min/max ranges (and ternary thresholds) from `embeddings` when a precision needs them.
    ///   - metadata: the model that made the embeddings, recorded for query-text search.
    /// - Throws: ``IndexSearchError/quantization(path:_:)`` for non-finite values or
    ///   unusable ranges; ``IndexSearchError/store(_:)`` for bad ids or a failed write.
    public static func create(
        at path: String, embeddings: EmbeddingMatrix, ids: [String], precision: Precision, rescoring: Precision? = nil,
        ranges: QuantizationRanges? = nil, metadata: IndexMetadata? = nil
    ) throws(IndexSearchError) {
        guard ids.count == embeddings.rowCount else {
            throw .invalidArgument(path: path, reason: "\(ids.count) ids for \(embeddings.rowCount) embeddings")
        }
        var calibration: QuantizationRanges?
        let needsRanges = precision.needsCalibration || rescoring?.needsCalibration == true
        do {
            if let ranges {
                calibration = ranges
            } else if needsRanges {
                calibration = try Calibration.ranges(from: embeddings)
            } else {
                calibration = nil
            }
            // RaBitQ codes need a centroid and rotation: drawn here (the default seed, the corpus
            // mean) when the ranges carry none; the file keeps them for later additions.
            calibration = try calibration?.addingDefaultRotation(for: [precision, rescoring], from: embeddings)
        } catch {
            throw .quantization(path: path, error)
        }
        let fast = try quantize(embeddings, precision: precision, ranges: calibration, path: path)
        let finer = try rescoring.map { (finerPrecision) throws(IndexSearchError) in
            try quantize(embeddings, precision: finerPrecision, ranges: calibration, path: path)
        }
        do {
            try IndexFile.create(at: path, fast: fast, rescoring: finer, ids: ids, metadata: metadata)
        } catch {
            throw .store(error)
        }
    }

    /// Appends float32 embeddings to the index at `path`, quantized with the index's own
    /// precisions, ranges and rounding.
    ///
    /// - Returns: the file's new generation.
    /// - Throws: ``IndexSearchError/invalidArgument(path:reason:)`` for another dimension or a
    ///   count mismatch; ``IndexSearchError/store(_:)`` for ids already live or a failed write.
    @discardableResult
    public static func add(to path: String, embeddings: EmbeddingMatrix, ids: [String]) throws(IndexSearchError) -> UInt64 {
        guard ids.count == embeddings.rowCount else {
            throw .invalidArgument(path: path, reason: "\(ids.count) ids for \(embeddings.rowCount) embeddings")
        }
        let index: OpenIndex
        do {
            index = try IndexFile.open(at: path)
        } catch {
            throw .store(error)
        }
        guard embeddings.dimension == index.dimension else {
            throw .invalidArgument(path: path, reason: "the embeddings have dimension \(embeddings.dimension), the index \(index.dimension)")
        }
        let fast = try quantize(
            embeddings, precision: index.fast.precision, ranges: index.fast.ranges, rounding: index.fast.rounding, path: path)
        let finer = try index.rescoring.map { (codes) throws(IndexSearchError) in
            try quantize(embeddings, precision: codes.precision, ranges: codes.ranges, rounding: codes.rounding, path: path)
        }
        do {
            return try IndexFile.add(to: path, ids: ids, fast: fast, rescoring: finer)
        } catch {
            throw .store(error)
        }
    }

    /// `embeddings` as codes of `precision`; ranges only for the precisions that use them.
    static func quantize(
        _ embeddings: EmbeddingMatrix, precision: Precision, ranges: QuantizationRanges?, rounding: RoundingMode = .floor,
        path: String
    ) throws(IndexSearchError) -> QuantizedEmbeddings {
        do {
            let quantizer = EmbeddingQuantizer(
                precision: precision, ranges: precision.needsCalibration ? ranges : nil, rounding: rounding)
            return try quantizer.quantize(embeddings)
        } catch {
            throw .quantization(path: path, error)
        }
    }
}
