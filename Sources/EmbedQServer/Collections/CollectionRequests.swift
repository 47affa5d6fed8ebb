import EmbeddingQuantization

/// The body of `PUT /collections/{name}`.
struct CreateCollectionRequest: Decodable {
    /// `{"points": n}`: calibrate the ranges on the first n vectors upserted.
    struct Calibration: Decodable {
        var points: Int
    }

    var dimension: Int?
    var precision: String?
    var rescore: String?
    var ranges: [[Float]]?
    var calibration: Calibration?
    var model: String?
    var index: String?

    /// The specification for the collection `name`, with defaults from the server's engine:
    /// the server's model and dimension, `float32` codes, no rescoring, a flat index, and the
    /// server's ranges when a precision needs ranges and none are given.
    ///
    /// - Throws: ``APIError`` 422 for an invalid name, an unknown precision or index, a
    ///   dimension < 1, ranges of the wrong shape, or a precision that needs ranges without any.
    func spec(name: String, engine: EmbeddingEngine) throws -> CollectionSpec {
        guard CollectionSpec.isValidName(name) else {
            throw APIError.unprocessable("collection names are 1 to 64 of A-Z a-z 0-9 _ - . (not starting with '.'), got '\(name)'")
        }
        let precision = try Self.precision(precision ?? "float32", field: "precision")
        let rescore = try rescore.map { try Self.precision($0, field: "rescore") }
        let dimension = dimension ?? engine.dimension
        guard dimension >= 1 else { throw APIError.unprocessable("'dimension' must be ≥ 1, got \(dimension)") }
        let model = model ?? (dimension == engine.dimension ? engine.modelName : nil)
        guard let kind = CollectionSpec.IndexKind(rawValue: index ?? "flat") else {
            throw APIError.unprocessable("'index' must be one of \(CollectionSpec.IndexKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let needsRanges = precision.needsCalibration || (rescore?.needsCalibration ?? false)
        let source: CollectionSpec.RangesSource
        if ranges != nil, calibration != nil {
            throw APIError.unprocessable("give 'ranges' or 'calibration', not both")
        } else if let ranges {
            guard ranges.count == 2 || ranges.count == 3, ranges.allSatisfy({ $0.count == dimension }) else {
                throw APIError.unprocessable("'ranges' must be 2 (or 3, with ternary thresholds) lists of \(dimension) numbers: [[minimums…], [maximums…]]")
            }
            do {
                source = .given(try QuantizationRanges(minimums: ranges[0], maximums: ranges[1], ternaryThresholds: ranges.count == 3 ? ranges[2] : nil))
            } catch {
                throw APIError.unprocessable("'ranges': \(error)")
            }
        } else if let calibration {
            guard calibration.points >= 2 else { throw APIError.unprocessable("'calibration.points' must be ≥ 2, got \(calibration.points)") }
            source = .calibrate(points: calibration.points)
        } else if needsRanges {
            guard let server = engine.ranges, server.dimension == dimension else {
                throw APIError.unprocessable(
                    "\(precision.needsCalibration ? precision.rawValue : rescore!.rawValue) codes need ranges: give 'ranges' or 'calibration', or start the server with --ranges")
            }
            source = .server(server)
        } else {
            source = .notNeeded
        }
        return CollectionSpec(name: name, dimension: dimension, precision: precision, rescore: rescore,
                              ranges: source, model: model, index: kind)
    }

    private static func precision(_ name: String, field: String) throws -> Precision {
        guard let precision = Precision(rawValue: name.lowercased()) else {
            throw APIError.unprocessable("'\(field)' must be one of \(Precision.allCases.map(\.rawValue).joined(separator: ", ")), got '\(name)'")
        }
        return precision
    }
}

/// The body of `PUT /collections/{name}/points`.
struct UpsertPointsRequest: Decodable {
    struct Point: Decodable {
        var id: JSONValue
        var vector: [Float]?
        var text: String?
        var payload: JSONValue?
    }

    var points: [Point]
}

/// The body of `POST /collections/{name}/points/delete`: ids or a filter.
struct DeletePointsRequest: Decodable {
    var points: [JSONValue]?
    var filter: JSONValue?
}

/// The body of `POST /collections/{name}/search`.
struct SearchCollectionRequest: Decodable {
    var vector: [Float]?
    var text: String?
    var k: Int?
    var filter: JSONValue?
    var rescore: Bool?
    var withPayload: Bool?
    /// The graph walk's breadth (`hnsw` collections).
    var ef: Int?
    /// Scan exactly even in an `hnsw` collection.
    var exact: Bool?

    enum CodingKeys: String, CodingKey {
        case vector, text, k, filter, rescore, ef, exact
        case withPayload = "with_payload"
    }
}

/// Request values shared by the collection routes.
enum CollectionRequestValues {
    /// A point id from JSON: a non-empty string, or a non-negative integer as its decimal text.
    ///
    /// - Throws: ``APIError`` 400 naming `field` for anything else.
    static func pointID(_ json: JSONValue, field: String) throws -> String {
        switch json {
        case .string(let id) where !id.isEmpty: return id
        case .int(let number) where number >= 0: return String(number)
        default: throw APIError.invalidRequest("'\(field)' must be a non-empty string or a non-negative integer")
        }
    }

    /// `json` when it is a filter object (or `null`: no filter).
    ///
    /// - Throws: ``APIError`` 400 when it is another kind of value.
    static func filter(_ json: JSONValue?, field: String) throws -> JSONValue? {
        switch json {
        case nil, .null?: return nil
        case .object?: return json
        default: throw APIError.invalidRequest("'\(field)' must be an object with 'must', 'should' and/or 'must_not'")
        }
    }
}
