import EmbeddingQuantization

/// What `PUT /collections/{name}` asks a ``CollectionStore`` to create.
public struct CollectionSpec: Sendable, Equatable {
    /// How the collection's `int8` / `uint8` / `int4` / `ternary` codes get their ranges.
    public enum RangesSource: Sendable, Equatable {
        /// The precisions need none (float, binary, ubinary).
        case notNeeded
        /// Given with the request (`"ranges": [[minimums…], [maximums…]]`).
        case given(QuantizationRanges)
        /// The server's own ranges (`GET /v1/ranges`), when the collection stores the server's model.
        case server(QuantizationRanges)
        /// Calibrated from the first `points` vectors upserted (`"calibration": {"points": n}`).
        case calibrate(points: Int)
    }

    /// The index structure answering searches.
    public enum IndexKind: String, Sendable, Equatable, CaseIterable {
        /// An exact scan over the fast codes.
        case flat
        /// An HNSW graph per segment over the fast codes (M 16, ef_construction 128, seed 0):
        /// searches walk it (``CollectionQuery/ef``) unless they ask for ``CollectionQuery/exact``.
        case hnsw
        /// The same as ``hnsw`` (the name the API reserved before collections had graphs); a
        /// collection created with it is described as `hnsw`.
        case graph
    }

    /// The collection's name (1 to 64 of `A–Z a–z 0–9 _ - .`, not starting with `.`).
    public var name: String
    /// Dimensions of every vector.
    public var dimension: Int
    /// The precision of the codes every search scans.
    public var precision: Precision
    /// The finer precision kept for rescoring candidates, or `nil`.
    public var rescore: Precision?
    /// Where the ranges come from.
    public var ranges: RangesSource
    /// The model whose vectors the collection holds (texts sent to it are embedded by the server's
    /// model, which must be this one); `nil` for vectors from elsewhere.
    public var model: String?
    /// The index structure.
    public var index: IndexKind

    /// Creates a specification.
    public init(name: String, dimension: Int, precision: Precision, rescore: Precision? = nil,
                ranges: RangesSource = .notNeeded, model: String? = nil, index: IndexKind = .flat) {
        self.name = name
        self.dimension = dimension
        self.precision = precision
        self.rescore = rescore
        self.ranges = ranges
        self.model = model
        self.index = index
    }

    /// Whether `name` may name a collection (it becomes a file name).
    public static func isValidName(_ name: String) -> Bool {
        guard (1...64).contains(name.utf8.count), !name.hasPrefix(".") else { return false }
        return name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
        }
    }
}

/// What a ``CollectionStore`` says about one collection (`GET /collections/{name}`).
public struct CollectionDescription: Sendable, Equatable {
    /// The collection's name.
    public var name: String
    /// Dimensions of every vector.
    public var dimension: Int
    /// The precision of the scanned codes.
    public var precision: Precision
    /// The rescoring precision, or `nil`.
    public var rescore: Precision?
    /// The model whose vectors it holds, when known.
    public var model: String?
    /// The index structure.
    public var index: CollectionSpec.IndexKind
    /// Live points (deleted ones not counted).
    public var pointCount: Int
    /// Whether writes are refused (an index file served as it is).
    public var readOnly: Bool

    /// Creates a description.
    public init(name: String, dimension: Int, precision: Precision, rescore: Precision? = nil, model: String? = nil,
                index: CollectionSpec.IndexKind = .flat, pointCount: Int, readOnly: Bool = false) {
        self.name = name
        self.dimension = dimension
        self.precision = precision
        self.rescore = rescore
        self.model = model
        self.index = index
        self.pointCount = pointCount
        self.readOnly = readOnly
    }

    /// The JSON the routes answer: `{"name", "dimension", "precision", "rescore", "model",
    /// "index", "points_count", "read_only"}` (`rescore` and `model` `null` when absent).
    public var json: JSONValue {
        [
            "name": .string(name), "dimension": .int(dimension), "precision": .string(precision.rawValue),
            "rescore": rescore.map { .string($0.rawValue) } ?? .null, "model": model.map { .string($0) } ?? .null,
            "index": .string(index.rawValue), "points_count": .int(pointCount), "read_only": .bool(readOnly),
        ]
    }
}
