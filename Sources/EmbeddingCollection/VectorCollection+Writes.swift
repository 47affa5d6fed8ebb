import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// What one acknowledged batch did.
public struct WriteReport: Sendable, Equatable {
    /// The batch's sequence number in the log.
    public let sequence: UInt64
    /// Points written (upserts) or deleted.
    public let applied: Int
    /// Ids a delete did not find (nothing was done for them).
    public let missing: [String]
    /// Whether the write computed the collection's calibration ranges (its first batch).
    public let calibrated: Bool
}

extension VectorCollection {
    /// Inserts or replaces points (an id already present is replaced, payload included) as one
    /// atomic batch, durable when this returns.
    ///
    /// - Parameters:
    ///   - ids: one non-empty id per vector, none twice.
    ///   - vectors: `n × dimension` float32 vectors, quantized with the collection's precisions
    ///     and ranges. A collection without ranges whose precision needs them computes them from
    ///     this batch, which must then hold at least `calibrationRows` vectors.
    ///   - payloads: one payload per vector, or `nil` for none.
    /// - Throws: ``CollectionError`` for a bad batch (ids, dimension, payload count, non-finite
    ///   values, too small a first batch), a read-only or closed collection, or a failed write
    ///   (then nothing of the batch is applied).
    @discardableResult
    public func upsert(ids: [String], vectors: EmbeddingMatrix, payloads: [Payload]? = nil) throws(CollectionError) -> WriteReport {
        let report = try asWriter { (log) throws(CollectionError) -> WriteReport in
            var state = snapshot().state
            let configuration = state.configuration
            guard vectors.dimension == configuration.dimension else {
                throw .dimensionMismatch(expected: configuration.dimension, actual: vectors.dimension, what: "the vectors")
            }
            guard ids.count == vectors.rowCount else {
                throw .invalidArgument("\(ids.count) ids for \(vectors.rowCount) vectors")
            }
            if let payloads, payloads.count != ids.count {
                throw .invalidArgument("\(payloads.count) payloads for \(ids.count) vectors")
            }
            try Self.checkIDs(ids)
            guard !ids.isEmpty else { return WriteReport(sequence: state.lastSequence, applied: 0, missing: [], calibrated: false) }
            var ranges = configuration.ranges
            var calibrated = false
            if configuration.needsRanges, ranges == nil, !ids.isEmpty {
                guard ids.count >= configuration.calibrationRows else {
                    throw .calibrationBatchTooSmall(needed: configuration.calibrationRows, got: ids.count)
                }
                do throws(QuantizationError) {
                    ranges = try Calibration.ranges(from: vectors)
                        .addingDefaultRotation(for: [configuration.precision, configuration.rescoring], from: vectors)
                } catch {
                    throw .quantization(error)
                }
                calibrated = true
            }
            let fast: QuantizedEmbeddings, finer: QuantizedEmbeddings?
            do throws(QuantizationError) {
                fast = try EmbeddingQuantizer(
                    precision: configuration.precision, ranges: configuration.precision.needsCalibration ? ranges : nil,
                    rounding: configuration.rounding).quantize(vectors)
                finer = try configuration.rescoring.map { (precision) throws(QuantizationError) in
                    try EmbeddingQuantizer(precision: precision, ranges: precision.needsCalibration ? ranges : nil, rounding: configuration.rounding)
                        .quantize(vectors)
                }
            } catch {
                throw .quantization(error)
            }
            var operations: [LogOperation] = []
            operations.reserveCapacity(ids.count)
            for (row, id) in ids.enumerated() {
                operations.append(.upsert(
                    id: id, fast: Array(fast[row: row]), rescoring: finer.map { Array($0[row: row]) } ?? [],
                    payload: payloads.map { PayloadEncoding.encode($0[row]) } ?? []))
            }
            let record = LogRecord(sequence: state.lastSequence + 1, ranges: calibrated ? ranges : nil, operations: operations)
            try log.append(record)
            try state.apply(record, source: log.path)
            publish(state)
            return WriteReport(sequence: record.sequence, applied: ids.count, missing: [], calibrated: calibrated)
        }
        try flushIfFull()
        return report
    }

    /// Deletes the points `ids` as one atomic batch, durable when this returns. Ids the
    /// collection does not hold are reported in ``WriteReport/missing``.
    ///
    /// - Throws: ``CollectionError`` for an empty id, a read-only or closed collection, or a
    ///   failed write (then nothing is deleted).
    @discardableResult
    public func delete(ids: [String]) throws(CollectionError) -> WriteReport {
        try asWriter { (log) throws(CollectionError) -> WriteReport in
            var state = snapshot().state
            if let position = ids.firstIndex(where: \.isEmpty) { throw .emptyID(position: position) }
            var seen = Set<String>()
            var present: [String] = [], missing: [String] = []
            for id in ids where seen.insert(id).inserted {
                if state.location(of: id) != nil { present.append(id) } else { missing.append(id) }
            }
            guard !present.isEmpty else {
                return WriteReport(sequence: state.lastSequence, applied: 0, missing: missing, calibrated: false)
            }
            let record = LogRecord(sequence: state.lastSequence + 1, ranges: nil, operations: present.map { .delete(id: $0) })
            try log.append(record)
            try state.apply(record, source: log.path)
            publish(state)
            return WriteReport(sequence: record.sequence, applied: present.count, missing: missing, calibrated: false)
        }
    }

    /// Replaces the payload of each point of `ids` (its vectors unchanged) as one atomic batch.
    ///
    /// - Throws: ``CollectionError/invalidArgument(_:)`` naming an id the collection does not
    ///   hold; as ``upsert(ids:vectors:payloads:)``.
    @discardableResult
    public func setPayload(ids: [String], payloads: [Payload]) throws(CollectionError) -> WriteReport {
        try asWriter { (log) throws(CollectionError) -> WriteReport in
            var state = snapshot().state
            guard ids.count == payloads.count else { throw .invalidArgument("\(payloads.count) payloads for \(ids.count) ids") }
            try Self.checkIDs(ids)
            var operations: [LogOperation] = []
            for (position, id) in ids.enumerated() {
                let codes: (fast: [UInt8], finer: [UInt8])
                switch state.location(of: id) {
                case .segment(let segment, let row):
                    let view = state.segments[segment]
                    do throws(IndexFileError) {
                        codes = (try view.fastInFile.rows([row]), try view.rescoring?.rows([row]) ?? [])
                    } catch {
                        throw .segment(error)
                    }
                case .chunk(let chunk, let row):
                    let memory = state.chunks[chunk]
                    codes = (Array(memory.fastCodes[row: row]), memory.rescoringCodes.map { Array($0[row: row]) } ?? [])
                case nil:
                    throw .invalidArgument("no point with id '\(id)' (position \(position)) to set the payload of")
                }
                operations.append(.upsert(id: id, fast: codes.fast, rescoring: codes.finer, payload: PayloadEncoding.encode(payloads[position])))
            }
            let record = LogRecord(sequence: state.lastSequence + 1, ranges: nil, operations: operations)
            try log.append(record)
            try state.apply(record, source: log.path)
            publish(state)
            return WriteReport(sequence: record.sequence, applied: ids.count, missing: [], calibrated: false)
        }
    }

    /// Refuses empty and repeated ids.
    static func checkIDs(_ ids: [String]) throws(CollectionError) {
        var seen = Set<String>(minimumCapacity: ids.count)
        for (position, id) in ids.enumerated() {
            guard !id.isEmpty else { throw .emptyID(position: position) }
            guard seen.insert(id).inserted else { throw .duplicateID(id, position: position) }
        }
    }

    private func flushIfFull() throws(CollectionError) {
        guard let limit = autoFlushRows, snapshot().memoryRows >= limit else { return }
        try flush()
    }
}
