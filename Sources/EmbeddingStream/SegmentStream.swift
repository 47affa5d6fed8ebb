import EmbeddingCollection
import EmbeddingQuantization

/// Builds one collection segment from a stream (`embedq collection build-segment DIR --stream`,
/// one process per Spark partition): JSON lines `{"id", "text"[, "payload"]}` in, float vectors
/// from a ``StreamEncoder``, then ``VectorCollection/buildSegment(for:ids:vectors:payloads:to:)``
/// quantizes them with the collection's precisions and ranges and writes the file. Attached with
/// ``VectorCollection/attach(segments:)``, the points hold the codes `upsert` would give the
/// same texts encoded by the same model (the encoder's vectors do not depend on their batch).
///
/// A bad line (see ``StreamLineError``) gets an `{"id", "error"}` line on `errors` and is
/// skipped; an id given twice keeps its last line (upsert rules, as ``VectorCollection/attach(segments:)``
/// resolves ids across segments).
///
/// ```swift
/// let configuration = try VectorCollection(opening: "coll", writable: false).configuration
/// let stream = try StreamEncoder(encoder: SentenceEncoder(model: "all-MiniLM-L6-v2"))
/// let summary = try SegmentStream.build(stream, for: configuration, input: STDIN_FILENO,
///                                       errors: STDOUT_FILENO, to: "part-1.segment")
/// ```
public enum SegmentStream {
    /// What a finished segment stream did.
    public struct Summary: Sendable, Equatable {
        /// Non-blank input lines read.
        public var lines = 0
        /// Points written to the segment (lines taken, less the ones a later line replaced).
        public var points = 0
        /// Lines skipped with an error line.
        public var errors = 0
        /// Lines replaced by a later line with the same id.
        public var replaced = 0
        /// Batches encoded.
        public var batches = 0

        /// Whether every line was taken (no error line).
        public var tookEveryLine: Bool { errors == 0 }
    }

    /// Reads `input` to its end, encodes every good line and writes the segment file `path`.
    ///
    /// - Parameters:
    ///   - encoder: float32 output (the collection quantizes), with the collection's model; its
    ///     prompt and normalization are the ones the collection's vectors were made with.
    ///   - configuration: the collection's settings, ranges included when a precision needs them.
    ///   - input: the descriptor the JSON lines are read from.
    ///   - errors: the descriptor each bad line's `{"id", "error"}` line is written to.
    ///   - maximumLineBytes: longest accepted input line (see ``StreamLineReader``).
    ///   - afterBatch: called after each batch with the totals so far (progress).
    /// - Returns: the totals; the segment holds ``Summary/points`` points (possibly none).
    /// - Throws: ``StreamSetupError`` before reading when the encoder does not fit the
    ///   collection; ``StreamIOError`` when the input cannot be read or an error line written;
    ///   `CollectionError` when the segment cannot be built (a collection without ranges yet
    ///   whose precision needs them, a failed write).
    @discardableResult
    public static func build(
        _ encoder: StreamEncoder, for configuration: CollectionConfiguration, input: Int32, errors: Int32, to path: String,
        maximumLineBytes: Int = 8 << 20, afterBatch: ((Summary) -> Void)? = nil
    ) throws -> Summary {
        guard encoder.quantizer.precision == .float32 else {
            throw StreamSetupError.segmentNeedsFloatVectors(encoder.quantizer.precision)
        }
        guard encoder.encoder.dimension == configuration.dimension else {
            throw StreamSetupError.collectionDimensionMismatch(collection: configuration.dimension, model: encoder.encoder.dimension)
        }
        if configuration.needsRanges, configuration.ranges == nil { throw StreamSetupError.collectionWithoutRanges }
        let dimension = configuration.dimension
        var reader = StreamLineReader(fileDescriptor: input, maximumLineBytes: maximumLineBytes, readingPayloads: true)
        var summary = Summary()
        var ids: [String] = [], values: [Float] = [], payloads: [Payload] = []
        var rowOfID: [String: Int] = [:]
        var replacedRows = Set<Int>()
        while let batch = try reader.nextBatch(limit: encoder.batchSize) {
            guard !batch.isEmpty else { continue }
            var failures: [StreamLineFailure] = []
            var records: [StreamRecord] = []
            for line in batch {
                switch line {
                case .success(let record):
                    if case .string(let text) = record.id, text.isEmpty {
                        failures.append(StreamLineFailure(id: record.id, error: .emptyID(line: record.line)))
                    } else {
                        records.append(record)
                    }
                case .failure(let failure): failures.append(failure)
                }
            }
            for (record, row) in zip(records, encoder.encode(records)) {
                switch row {
                case .failure(let error): failures.append(StreamLineFailure(id: record.id, error: error))
                case .success(let bytes):
                    let id = record.id.pointID
                    if let earlier = rowOfID[id] {
                        replacedRows.insert(earlier)
                        summary.replaced += 1
                    }
                    rowOfID[id] = ids.count
                    ids.append(id)
                    payloads.append(record.payload ?? Payload())
                    values.append(contentsOf: floats(littleEndian: bytes, count: dimension))
                }
            }
            if !failures.isEmpty {
                failures.sort { $0.error.line < $1.error.line }
                let text = failures.map { StreamResponse(id: $0.id, payload: .error($0.error)).jsonLine }.joined()
                try EmbeddingStream.writeAll(Array(text.utf8), to: errors)
            }
            summary.lines += batch.count
            summary.errors += failures.count
            summary.batches += 1
            summary.points = ids.count - replacedRows.count
            afterBatch?(summary)
        }
        if !replacedRows.isEmpty {
            let kept = ids.indices.filter { !replacedRows.contains($0) }
            ids = kept.map { ids[$0] }
            payloads = kept.map { payloads[$0] }
            values = kept.flatMap { values[($0 * dimension)..<(($0 + 1) * dimension)] }
        }
        let vectors = try EmbeddingMatrix(rowCount: ids.count, dimension: dimension, values: values)
        let anyPayload = payloads.contains { !$0.isEmpty }
        try VectorCollection.buildSegment(for: configuration, ids: ids, vectors: vectors, payloads: anyPayload ? payloads : nil, to: path)
        summary.points = ids.count
        return summary
    }

    /// `count` float32 values from their little-endian bytes.
    private static func floats(littleEndian bytes: [UInt8], count: Int) -> [Float] {
        bytes.withUnsafeBytes { raw in
            (0..<count).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }
}

extension StreamRecordID {
    /// The id as a collection point id: the string itself, or the integer's decimal digits.
    public var pointID: String {
        switch self {
        case .string(let value): return value
        case .integer(let value): return String(value)
        }
    }
}
