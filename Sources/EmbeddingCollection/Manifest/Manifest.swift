import EmbeddingGraph
import EmbeddingQuantization
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The manifest's contents (the JSON body of `MANIFEST`, see `docs/COLLECTIONS.md`): the
/// collection's configuration, its segments with their deletion files, and how far the
/// write-ahead log has been flushed into segments. Replaced as a whole by every flush and merge.
struct Manifest: Codable, Equatable, Sendable {
    /// The body format this code writes for a collection without a graph (older readers open it).
    static let formatVersion = 1
    /// The body format of a collection with a graph per segment (``index`` present): a reader
    /// that knows only version 1 refuses it instead of writing segments without graphs.
    static let graphFormatVersion = 2

    var formatVersion: Int
    /// Incremented by every replacement; readers compare it to notice changes.
    var generation: UInt64
    var dimension: Int
    var precision: String
    var rescoring: String?
    var rounding: String
    /// The collection's ranges as float32 bit patterns (exact), once known.
    var ranges: StoredRanges?
    var calibrationRows: Int
    var model: RecordedModel?
    var indexedPayloadKeys: [String]?
    /// Every log record up to this sequence number is in the segments.
    var flushedSequence: UInt64
    /// The number the next new file (segment or deletion file) gets.
    var nextFileNumber: UInt64
    /// The segments, oldest first.
    var segments: [SegmentRecord]
    /// Fingerprints of the segment files attached from outside (``VectorCollection/attach(segments:)``),
    /// so that attaching one again does nothing; absent in manifests that never attached one.
    var attached: [String]?
    /// The graph every segment carries (format version 2); absent for an exact scan.
    var index: StoredIndex?

    /// One segment: its file, rows, and the file of its rows deleted since it was written.
    struct SegmentRecord: Codable, Equatable, Sendable {
        /// The segment file's name in the collection directory.
        var file: String
        /// Rows stored in the segment.
        var rows: Int
        /// The deletion file's name, when rows of the segment were deleted after it was written.
        var deletions: String?
        /// Rows the deletion file marks.
        var deletedCount: Int
    }

    /// Calibration ranges as float32 bit patterns, so that they survive JSON exactly.
    struct StoredRanges: Codable, Equatable, Sendable {
        var minimums: [UInt32]
        var maximums: [UInt32]
        var ternaryThresholds: [UInt32]?
        /// The RaBitQ centroid and rotation, when the ranges carry them.
        var rotation: StoredRotation?

        init(_ ranges: QuantizationRanges) {
            minimums = ranges.minimums.map(\.bitPattern)
            maximums = ranges.maximums.map(\.bitPattern)
            ternaryThresholds = ranges.ternaryThresholds?.map(\.bitPattern)
            rotation = ranges.rotation.map(StoredRotation.init)
        }

        func ranges() throws(QuantizationError) -> QuantizationRanges {
            try QuantizationRanges(
                minimums: minimums.map(Float.init(bitPattern:)), maximums: maximums.map(Float.init(bitPattern:)),
                ternaryThresholds: ternaryThresholds?.map(Float.init(bitPattern:)), rotation: rotation?.rotation(dimension: minimums.count))
        }
    }

    /// A RaBitQ centroid and rotation, exact: the seed, the centroid as float32 bit patterns and
    /// the `d × d` matrix as little-endian float32 bytes (base64 in the JSON, a third of the size
    /// of a list of numbers).
    struct StoredRotation: Codable, Equatable, Sendable {
        var seed: UInt64
        var centroid: [UInt32]
        var matrix: Data

        init(_ rotation: RaBitQRotation) {
            seed = rotation.seed
            centroid = rotation.centroid.map(\.bitPattern)
            var bytes: [UInt8] = []
            bytes.reserveCapacity(4 * rotation.matrix.count)
            for value in rotation.matrix { bytes.appendLittleEndian(value.bitPattern) }
            matrix = Data(bytes)
        }

        func rotation(dimension: Int) throws(QuantizationError) -> RaBitQRotation {
            guard matrix.count == 4 * dimension * dimension else {
                throw QuantizationError.malformedRanges(
                    "the RaBitQ rotation has \(matrix.count) bytes, expected 4 × \(dimension) × \(dimension)")
            }
            let values = [UInt8](matrix)
            let entries = (0..<(dimension * dimension)).map { index in
                let base = 4 * index
                return Float(bitPattern: UInt32(values[base]) | UInt32(values[base + 1]) << 8
                    | UInt32(values[base + 2]) << 16 | UInt32(values[base + 3]) << 24)
            }
            return try RaBitQRotation(dimension: dimension, seed: seed, centroid: centroid.map(Float.init(bitPattern:)), matrix: entries)
        }
    }

    /// A collection's graph kind and parameters: `kind` `"hnsw"`, M, ef_construction and the seed.
    struct StoredIndex: Codable, Equatable, Sendable {
        var kind: String
        var m: Int
        var efConstruction: Int
        var seed: UInt64

        init(_ parameters: HNSWParameters) {
            kind = CollectionIndex.hnsw(parameters).name
            m = parameters.connectivity
            efConstruction = parameters.efConstruction
            seed = parameters.seed
        }

        func index() throws(CollectionError) -> CollectionIndex {
            guard kind == CollectionIndex.hnsw(HNSWParameters()).name else { throw .invalidConfiguration("unknown index kind '\(kind)'") }
            return .hnsw(HNSWParameters(connectivity: m, efConstruction: efConstruction, seed: seed))
        }
    }

    /// The first manifest of a collection with `configuration`.
    init(configuration: CollectionConfiguration) {
        index = configuration.index.graphParameters.map(StoredIndex.init)
        formatVersion = index == nil ? Self.formatVersion : Self.graphFormatVersion
        generation = 1
        dimension = configuration.dimension
        precision = configuration.precision.rawValue
        rescoring = configuration.rescoring?.rawValue
        rounding = configuration.rounding.rawValue
        ranges = configuration.ranges.map(StoredRanges.init)
        calibrationRows = configuration.calibrationRows
        model = configuration.model
        indexedPayloadKeys = configuration.indexedPayloadKeys
        flushedSequence = 0
        nextFileNumber = 1
        segments = []
    }

    /// The configuration the manifest records.
    ///
    /// - Throws: a reason when a field does not decode (the caller names the file).
    func configuration() throws(CollectionError) -> CollectionConfiguration {
        func precisionNamed(_ name: String) throws(CollectionError) -> Precision {
            do { return try Precision(parsing: name) } catch { throw .invalidConfiguration("unknown precision '\(name)'") }
        }
        guard let rounding = RoundingMode(rawValue: rounding) else { throw .invalidConfiguration("unknown rounding '\(rounding)'") }
        let decodedRanges: QuantizationRanges?
        do {
            decodedRanges = try ranges?.ranges()
        } catch {
            throw .invalidConfiguration("the ranges are invalid: \(error.description)")
        }
        let configuration = CollectionConfiguration(
            dimension: dimension, precision: try precisionNamed(precision), rescoring: try rescoring.map(precisionNamed),
            rounding: rounding, ranges: decodedRanges, calibrationRows: calibrationRows, model: model,
            indexedPayloadKeys: indexedPayloadKeys, index: try index?.index() ?? .flat)
        try configuration.validate()
        return configuration
    }

    /// Checks what the JSON decoder does not: versions, counts and file names.
    func validate() throws(CollectionError) {
        guard formatVersion == (index == nil ? Self.formatVersion : Self.graphFormatVersion) else {
            throw .invalidConfiguration("unknown manifest format \(formatVersion)\(index == nil ? "" : " with an index")")
        }
        guard nextFileNumber >= 1 else { throw .invalidConfiguration("next file number \(nextFileNumber)") }
        var seen = Set<String>()
        for segment in segments {
            guard CollectionFiles.isSegmentName(segment.file), seen.insert(segment.file).inserted else {
                throw .invalidConfiguration("bad or repeated segment file name '\(segment.file)'")
            }
            guard segment.rows >= 0, segment.deletedCount >= 0, segment.deletedCount <= segment.rows else {
                throw .invalidConfiguration("segment \(segment.file): \(segment.deletedCount) deleted of \(segment.rows) rows")
            }
            if let deletions = segment.deletions {
                guard CollectionFiles.isDeletionName(deletions), seen.insert(deletions).inserted else {
                    throw .invalidConfiguration("bad or repeated deletion file name '\(deletions)'")
                }
            } else if segment.deletedCount != 0 {
                throw .invalidConfiguration("segment \(segment.file): \(segment.deletedCount) deleted rows but no deletion file")
            }
        }
        _ = try configuration()
    }
}
