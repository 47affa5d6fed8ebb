import EmbeddingQuantization

/// Everything a new index file will hold, before it is written: the writer's input. Codes are
/// given as chunks so that add and compact can copy rows straight from the old file's mapping.
struct IndexImage {
    /// Where a run of code bytes comes from.
    enum Chunk {
        /// Bytes held in memory.
        case bytes([UInt8])
        /// A byte range of the old file's mapped rescoring codes.
        case mapped(MappedCodes, Range<Int>)
    }

    /// One code section: precision, rounding, ranges and the chunks of `rowCount × bytesPerVector` bytes.
    struct Codes {
        var precision: Precision
        var rounding: RoundingMode
        var ranges: QuantizationRanges?
        var chunks: [Chunk]
    }

    var dimension: Int
    var generation: UInt64
    var ids: IndexIDs
    var deleted: DeletedRows
    var metadata: [UInt8]
    var fast: Codes
    var rescoring: Codes?

    /// The header flags for the ranges this image carries.
    var flags: UInt32 {
        var flags: UInt32 = 0
        if let ranges = fast.ranges {
            flags |= IndexHeader.Flag.fastRanges
            if ranges.ternaryThresholds != nil { flags |= IndexHeader.Flag.fastThresholds }
            if ranges.rotation != nil { flags |= IndexHeader.Flag.fastRotation }
        }
        if let ranges = rescoring?.ranges {
            flags |= IndexHeader.Flag.rescoringRanges
            if ranges.ternaryThresholds != nil { flags |= IndexHeader.Flag.rescoringThresholds }
            if ranges.rotation != nil { flags |= IndexHeader.Flag.rescoringRotation }
        }
        return flags
    }

    /// The ranges section: float32 little-endian arrays (see ``IndexLayout/rangesLength(flags:dimension:)``).
    var rangesBytes: [UInt8] {
        var bytes: [UInt8] = []
        for ranges in [fast.ranges, rescoring?.ranges] {
            guard let ranges else { continue }
            let rotation = ranges.rotation.map { $0.centroid + $0.matrix } ?? []
            for array in [ranges.minimums, ranges.maximums, ranges.ternaryThresholds ?? [], rotation] {
                for value in array { bytes.appendLittleEndian(value.bitPattern) }
            }
        }
        return bytes
    }

    /// The ids section: `rowCount + 1` UInt64 offsets, then the UTF-8 blob.
    var idsBytes: [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(8 * ids.offsets.count + ids.utf8.count)
        for offset in ids.offsets { bytes.appendLittleEndian(UInt64(offset)) }
        bytes += ids.utf8
        return bytes
    }
}
