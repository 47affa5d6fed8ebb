import EmbeddingQuantization

/// Everything a new index file will hold, before it is written: the writer's input. Codes are
/// given as chunks so that add, compact and a collection's merge can copy rows straight from an
/// old file's mapping.
struct IndexImage {
    typealias Chunk = CodeChunk
    typealias Codes = CodeSection

    /// The format version: 1 (plain index file) or 2 (collection segment, with the sections below).
    var version: UInt32 = IndexHeader.currentVersion
    var dimension: Int
    var generation: UInt64
    var ids: IndexIDs
    var deleted: DeletedRows
    var metadata: [UInt8]
    var fast: Codes
    var rescoring: Codes?
    /// Version 2: one payload per row, or none at all (an empty section).
    var payloads = SegmentPayloads()
    /// Version 2: the payload index bytes.
    var payloadIndex: [UInt8] = []
    /// Version 2: the graph section's bytes.
    var graph: [UInt8] = []

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
