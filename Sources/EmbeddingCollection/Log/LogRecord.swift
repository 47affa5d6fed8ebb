import EmbeddingQuantization

/// One record of the write-ahead log: one atomic batch of operations with its sequence number
/// (and, for the first batch of a collection that computes its ranges, those ranges).
///
/// Body layout (little-endian; the frame around it is ``LogFormat``'s):
///
/// ```
/// u64 sequence, u8 kind (1 = batch), u8 flags (bit 0: ranges follow; bit 1: with a RaBitQ
/// rotation), u16 zero,
/// u32 fast code bytes per vector, u32 rescoring code bytes per vector, u32 operation count,
/// [ranges: u32 dimension, u8 has thresholds, minimums, maximums (, thresholds) as float32 bits
///  [, rotation: u64 seed, centroid (d), matrix (d × d, row-major) as float32 bits]],
/// operations: u8 type (1 upsert, 2 delete), u32 id length, id UTF-8,
///             upsert only: fast codes, rescoring codes, u32 payload length, payload bytes
/// ```
struct LogRecord: Sendable, Equatable {
    var sequence: UInt64
    /// Ranges the collection adopts with this batch (its first batch, when it computed them).
    var ranges: QuantizationRanges?
    var operations: [LogOperation]
}

/// One operation of a logged batch, with everything needed to replay it (codes, not floats:
/// replay never quantizes).
enum LogOperation: Sendable, Equatable {
    /// Inserts or replaces the point `id` (the newest write of an id wins).
    case upsert(id: String, fast: [UInt8], rescoring: [UInt8], payload: [UInt8])
    /// Deletes the point `id` (nothing when there is none).
    case delete(id: String)

    var id: String {
        switch self {
        case .upsert(let id, _, _, _), .delete(let id): return id
        }
    }
}

extension LogRecord {
    static let batchKind: UInt8 = 1
    private static let rangesFlag: UInt8 = 1
    private static let rotationFlag: UInt8 = 2

    /// The record body for codes of `fastWidth` and `rescoringWidth` bytes per vector.
    func encoded(fastWidth: Int, rescoringWidth: Int) -> [UInt8] {
        var bytes: [UInt8] = []
        var size = 32
        if let ranges { size += 5 + 12 * ranges.dimension + 4 * ranges.dimension * ranges.dimension }
        for operation in operations {
            if case .upsert(let id, _, _, let payload) = operation {
                size += 9 + id.utf8.count + fastWidth + rescoringWidth + payload.count
            } else {
                size += 5 + operation.id.utf8.count
            }
        }
        bytes.reserveCapacity(size)
        bytes.appendLittleEndian(sequence)
        bytes.append(Self.batchKind)
        bytes.append(ranges == nil ? 0 : Self.rangesFlag | (ranges?.rotation == nil ? 0 : Self.rotationFlag))
        bytes.appendLittleEndian(UInt16(0))
        bytes.appendLittleEndian(UInt32(fastWidth))
        bytes.appendLittleEndian(UInt32(rescoringWidth))
        bytes.appendLittleEndian(UInt32(operations.count))
        if let ranges {
            bytes.appendLittleEndian(UInt32(ranges.dimension))
            bytes.append(ranges.ternaryThresholds == nil ? 0 : 1)
            for array in [ranges.minimums, ranges.maximums, ranges.ternaryThresholds ?? []] {
                for value in array { bytes.appendLittleEndian(value.bitPattern) }
            }
            if let rotation = ranges.rotation {
                bytes.appendLittleEndian(rotation.seed)
                for array in [rotation.centroid, rotation.matrix] {
                    for value in array { bytes.appendLittleEndian(value.bitPattern) }
                }
            }
        }
        for operation in operations {
            switch operation {
            case .upsert(let id, let fast, let rescoring, let payload):
                bytes.append(1)
                bytes.appendLittleEndian(UInt32(id.utf8.count))
                bytes += id.utf8
                bytes += fast
                bytes += rescoring
                bytes.appendLittleEndian(UInt32(payload.count))
                bytes += payload
            case .delete(let id):
                bytes.append(2)
                bytes.appendLittleEndian(UInt32(id.utf8.count))
                bytes += id.utf8
            }
        }
        return bytes
    }

    /// Decodes a record body whose codes must be `fastWidth` and `rescoringWidth` bytes per
    /// vector and whose ranges (if any) must have `dimension` dimensions.
    ///
    /// - Throws: ``BinaryDecodingFailure`` saying what is malformed.
    init(decoding bytes: [UInt8], fastWidth: Int, rescoringWidth: Int, dimension: Int) throws(BinaryDecodingFailure) {
        var reader = ByteReader(bytes)
        sequence = try reader.u64()
        let kind = try reader.u8()
        guard kind == Self.batchKind else { throw reader.failure("unknown record kind \(kind)") }
        let flags = try reader.u8()
        guard flags & ~(Self.rangesFlag | Self.rotationFlag) == 0, flags & Self.rotationFlag == 0 || flags & Self.rangesFlag != 0 else {
            throw reader.failure("unknown record flags \(flags)")
        }
        guard try reader.u8() == 0, try reader.u8() == 0 else { throw reader.failure("reserved bytes are not zero") }
        let recordedFast = Int(try reader.u32()), recordedRescoring = Int(try reader.u32())
        guard recordedFast == fastWidth, recordedRescoring == rescoringWidth else {
            throw reader.failure("codes of \(recordedFast) + \(recordedRescoring) bytes per vector, the collection uses \(fastWidth) + \(rescoringWidth)")
        }
        let count = Int(try reader.u32())
        guard count <= reader.remaining / 5 else { throw reader.failure("operation count \(count) exceeds the bytes") }
        if flags & Self.rangesFlag != 0 {
            let rangesDimension = Int(try reader.u32())
            guard rangesDimension == dimension else { throw reader.failure("ranges of dimension \(rangesDimension), the collection has \(dimension)") }
            let hasThresholds = try reader.u8()
            guard hasThresholds <= 1 else { throw reader.failure("bad thresholds flag \(hasThresholds)") }
            let arrays = try reader.u32Array(dimension * (hasThresholds == 1 ? 3 : 2)).map(Float.init(bitPattern:))
            var storedRotation: (seed: UInt64, centroid: [Float], matrix: [Float])?
            if flags & Self.rotationFlag != 0 {
                let seed = try reader.u64()
                guard dimension <= reader.remaining / 4 / (dimension + 1) else { throw reader.failure("a RaBitQ rotation exceeds the bytes") }
                let centroid = try reader.u32Array(dimension).map(Float.init(bitPattern:))
                storedRotation = (seed, centroid, try reader.u32Array(dimension * dimension).map(Float.init(bitPattern:)))
            }
            do throws(QuantizationError) {
                let rotation = try storedRotation.map { (stored) throws(QuantizationError) in
                    try RaBitQRotation(dimension: dimension, seed: stored.seed, centroid: stored.centroid, matrix: stored.matrix)
                }
                ranges = try QuantizationRanges(
                    minimums: Array(arrays[0..<dimension]), maximums: Array(arrays[dimension..<(2 * dimension)]),
                    ternaryThresholds: hasThresholds == 1 ? Array(arrays[(2 * dimension)...]) : nil, rotation: rotation)
            } catch {
                throw reader.failure("invalid ranges: \(error.description)")
            }
        } else {
            ranges = nil
        }
        operations = []
        operations.reserveCapacity(count)
        for _ in 0..<count {
            let type = try reader.u8()
            let id = try reader.string()
            guard !id.isEmpty else { throw reader.failure("an empty id") }
            switch type {
            case 1:
                let fast = Array(try reader.take(fastWidth))
                let rescoring = Array(try reader.take(rescoringWidth))
                let payload = Array(try reader.take(Int(try reader.u32())))
                operations.append(.upsert(id: id, fast: fast, rescoring: rescoring, payload: payload))
            case 2:
                operations.append(.delete(id: id))
            default:
                throw reader.failure("unknown operation type \(type)")
            }
        }
        guard reader.remaining == 0 else { throw reader.failure("\(reader.remaining) trailing bytes") }
    }
}
