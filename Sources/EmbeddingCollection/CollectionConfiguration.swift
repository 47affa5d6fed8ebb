import EmbeddingQuantization

/// What a collection is: its dimension, the precision of the codes it searches in memory and of
/// the finer codes it rescores from, its calibration ranges, the model that made its vectors and
/// which payload keys it indexes. Fixed when the collection is created.
public struct CollectionConfiguration: Sendable, Equatable {
    /// Dimensions of every vector.
    public var dimension: Int
    /// The precision of the fast codes, kept in memory and scanned first (e.g. `binary`).
    public var precision: Precision
    /// The precision of the finer codes left on disk for rescoring (e.g. `int8`), or `nil`.
    public var rescoring: Precision?
    /// The rounding of integer codes.
    public var rounding: RoundingMode
    /// The calibration ranges of `int8`, `uint8`, `int4` and `ternary` codes, and the centroid and
    /// rotation of `rabitq1` … `rabitq4` codes. When a precision needs them and none are given,
    /// the collection computes min/max ranges (and ternary thresholds) from its first batch of
    /// vectors, which must then hold at least ``calibrationRows`` vectors; for RaBitQ codes it
    /// also takes that batch's mean as the centroid and draws the rotation with
    /// `RaBitQRotation.defaultSeed`.
    public var ranges: QuantizationRanges?
    /// The smallest first batch the ranges are computed from when none are given.
    public var calibrationRows: Int
    /// The model that made the vectors, when known; text is encoded only with it.
    public var model: RecordedModel?
    /// The payload keys the per-segment payload indexes cover; `nil` indexes every key. Filters on
    /// other keys read the payloads of every segment they search.
    public var indexedPayloadKeys: [String]?
    /// How segments' fast codes are searched: an exact scan (``CollectionIndex/flat``) or an HNSW
    /// graph per segment (``CollectionIndex/hnsw(_:)``).
    public var index: CollectionIndex

    /// The smallest first batch the ranges are computed from, unless stated otherwise.
    public static let defaultCalibrationRows = 1000

    /// A configuration; see the properties.
    public init(
        dimension: Int, precision: Precision, rescoring: Precision? = nil, rounding: RoundingMode = .floor,
        ranges: QuantizationRanges? = nil, calibrationRows: Int = defaultCalibrationRows, model: RecordedModel? = nil,
        indexedPayloadKeys: [String]? = nil, index: CollectionIndex = .flat
    ) {
        self.dimension = dimension
        self.precision = precision
        self.rescoring = rescoring
        self.rounding = rounding
        self.ranges = ranges
        self.calibrationRows = calibrationRows
        self.model = model
        self.indexedPayloadKeys = indexedPayloadKeys
        self.index = index
    }

    /// Whether a precision of the collection needs calibration ranges.
    public var needsRanges: Bool { precision.needsCalibration || rescoring?.needsCalibration == true }

    /// Checks the configuration.
    ///
    /// - Throws: ``CollectionError/invalidConfiguration(_:)`` naming the problem.
    func validate() throws(CollectionError) {
        guard dimension >= 1, dimension <= 1 << 24 else {
            throw .invalidConfiguration("dimension \(dimension) is outside 1...\(1 << 24)")
        }
        guard calibrationRows >= 2 else {
            throw .invalidConfiguration("calibration rows must be at least 2, got \(calibrationRows)")
        }
        if let ranges, ranges.rotation == nil, let code = [precision, rescoring].compactMap({ $0 }).first(where: { $0.rabitqCodeBits != nil }) {
            throw .invalidConfiguration(
                "\(code.rawValue) codes need ranges with a RaBitQ centroid and rotation (embedq calibrate --rotation), or no ranges: the collection then draws them from its first batch")
        }
        if let ranges, ranges.dimension != dimension {
            throw .invalidConfiguration("the ranges have dimension \(ranges.dimension), the collection \(dimension)")
        }
        if let ranges, precision == .ternary || rescoring == .ternary, ranges.ternaryThresholds == nil {
            throw .invalidConfiguration("ternary codes need ranges with ternary thresholds")
        }
        if let model, model.dimension != dimension {
            throw .invalidConfiguration("the model \(model.name) makes \(model.dimension)-dimensional vectors, the collection has \(dimension)")
        }
        if let keys = indexedPayloadKeys, keys.contains(where: \.isEmpty) {
            throw .invalidConfiguration("an indexed payload key is empty")
        }
        try index.validate(precision: precision)
    }
}

/// The model a collection's vectors were made with: its name (and folder), a fingerprint of its
/// files and numerics, the dimension it produces and the options that change its vectors
/// (normalization, prompt, Matryoshka dimensions…) as properties. A text query or text batch
/// encoded by a model with another fingerprint is refused (``CollectionError/modelMismatch(recorded:given:)``).
public struct RecordedModel: Sendable, Equatable, Codable {
    /// The model's name (a hub id or a folder name).
    public var name: String
    /// The model's folder when it was loaded from one, for encoding later.
    public var path: String?
    /// The fingerprint of the model's files and the encoder's numerics (hex digits).
    public var fingerprint: String
    /// The dimension of the vectors the model produces.
    public var dimension: Int
    /// Options that change the vectors, by name (e.g. `"normalize": "true"`, `"prompt": "query"`).
    public var properties: [String: String]

    /// Describes a model.
    public init(name: String, path: String? = nil, fingerprint: String, dimension: Int, properties: [String: String] = [:]) {
        self.name = name
        self.path = path
        self.fingerprint = fingerprint
        self.dimension = dimension
        self.properties = properties
    }
}
