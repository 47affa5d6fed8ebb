import Foundation

/// Reads and writes ``QuantizationRanges`` so a server can reuse corpus ranges for queries.
///
/// Two formats, chosen by the file extension:
/// - `.json`: `{"format": "embedq.ranges", "version": 1, "dimension": d, "minimums": […],
///   "maximums": […], "ternary_thresholds": […]}` (thresholds optional). Numbers are written with
///   the shortest decimal that reads back to the same float32, so a round trip is exact. With a
///   RaBitQ rotation the file is version 2 and adds `"rabitq_seed"`, `"rabitq_centroid"` (d
///   values) and `"rabitq_rotation"` (d × d values, row-major); readers accept versions 1 and 2.
/// - anything else: `.npy`, float32 `2 × d` (row 0 minimums, row 1 maximums — the array
///   sentence-transformers takes as `ranges`), or `3 × d` with row 2 the ternary thresholds.
///   With a RaBitQ rotation: `(d + 3) × d` (minimums, maximums, centroid, then the d rows of the
///   rotation) or `(d + 4) × d` (minimums, maximums, thresholds, centroid, rotation); the row
///   count alone tells the layouts apart (d + 3 > 3 for every d ≥ 1). The seed is not kept in
///   `.npy` (the matrix is). float64 arrays are accepted on reading.
///
/// Writes are atomic (temporary file, fsync, rename).
public enum RangesFile {
    /// The `format` tag of the JSON layout.
    public static let jsonFormatTag = "embedq.ranges"

    /// Reads ranges from `path` (`.json` or `.npy`).
    ///
    /// - Throws: ``QuantizationError/malformedRanges(_:)`` naming the file and the problem.
    public static func read(contentsOf path: String) throws -> QuantizationRanges {
        if path.lowercased().hasSuffix(".json") {
            let data: Data
            do {
                data = try Data(contentsOf: URL(fileURLWithPath: path))
            } catch {
                throw QuantizationError.malformedRanges("\(path): cannot read: \(error.localizedDescription)")
            }
            return try decodeJSON(data, source: path)
        }
        let array: NPYArray
        do {
            array = try NPYFile.read(contentsOf: path)
        } catch {
            throw QuantizationError.malformedRanges("\(error)")
        }
        return try ranges(from: array, source: path)
    }

    /// Writes `ranges` to `path`: JSON when it ends in `.json`, else `.npy`.
    public static func write(_ ranges: QuantizationRanges, to path: String) throws {
        if path.lowercased().hasSuffix(".json") {
            try AtomicFile.write(Array(encodeJSON(ranges)), to: path)
        } else {
            try NPYFile.write(npyArray(for: ranges), to: path)
        }
    }

    /// The `.npy` array for `ranges`: float32 `2 × d`, or `3 × d` with thresholds, plus `d + 1`
    /// rows (centroid, rotation) with a RaBitQ rotation.
    public static func npyArray(for ranges: QuantizationRanges) -> NPYArray {
        var values = ranges.minimums + ranges.maximums
        if let thresholds = ranges.ternaryThresholds { values += thresholds }
        if let rotation = ranges.rotation { values += rotation.centroid + rotation.matrix }
        // Force-try is safe: the value count matches the shape by construction.
        return try! NPYArray(float32: values, shape: [values.count / max(ranges.dimension, 1), ranges.dimension])
    }

    /// Ranges from a `2 × d` or `3 × d` float array.
    public static func ranges(from array: NPYArray, source: String = "ranges") throws -> QuantizationRanges {
        guard array.dataType.isFloatingPoint else {
            throw QuantizationError.malformedRanges("\(source): ranges must be float32, got \(array.dataType.name)")
        }
        let d = array.shape.count == 2 ? array.shape[1] : 0
        let rows = array.shape.count == 2 ? array.shape[0] : 0
        let rotated = d >= 1 && (rows == d + 3 || rows == d + 4)
        guard array.shape.count == 2, rows == 2 || rows == 3 || rotated else {
            throw QuantizationError.malformedRanges(
                "\(source): ranges must have shape (2, d) or (3, d) — minimums, maximums[, ternary thresholds] — "
                    + "or (d + 3, d) / (d + 4, d) with a RaBitQ centroid and rotation, got \(array.shape)")
        }
        let values = try array.float32Values()
        let hasThresholds = rows == 3 || rows == d + 4
        do {
            var rotation: RaBitQRotation?
            if rotated {
                let start = (hasThresholds ? 3 : 2) * d
                rotation = try RaBitQRotation(
                    dimension: d, seed: 0, centroid: Array(values[start..<(start + d)]),
                    matrix: Array(values[(start + d)...]))
            }
            return try QuantizationRanges(
                minimums: Array(values[0..<d]), maximums: Array(values[d..<(2 * d)]),
                ternaryThresholds: hasThresholds ? Array(values[(2 * d)..<(3 * d)]) : nil, rotation: rotation)
        } catch {
            throw QuantizationError.malformedRanges("\(source): \(error)")
        }
    }

    /// The JSON document for `ranges` (UTF-8).
    public static func encodeJSON(_ ranges: QuantizationRanges) -> Data {
        func list(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        let version = ranges.rotation == nil ? 1 : 2
        var text = "{\n  \"format\": \"\(jsonFormatTag)\",\n  \"version\": \(version),\n  \"dimension\": \(ranges.dimension),\n"
        text += "  \"minimums\": \(list(ranges.minimums)),\n  \"maximums\": \(list(ranges.maximums))"
        if let thresholds = ranges.ternaryThresholds { text += ",\n  \"ternary_thresholds\": \(list(thresholds))" }
        if let rotation = ranges.rotation {
            text += ",\n  \"rabitq_seed\": \(rotation.seed),\n  \"rabitq_centroid\": \(list(rotation.centroid))"
            text += ",\n  \"rabitq_rotation\": \(list(rotation.matrix))"
        }
        return Data((text + "\n}\n").utf8)
    }

    /// Parses the JSON layout.
    public static func decodeJSON(_ data: Data, source: String = "ranges") throws -> QuantizationRanges {
        let document: RangesDocument
        do {
            document = try JSONDecoder().decode(RangesDocument.self, from: data)
        } catch let error as DecodingError {
            throw QuantizationError.malformedRanges("\(source): \(describe(error))")
        } catch {
            throw QuantizationError.malformedRanges("\(source): not valid JSON (\(error))")
        }
        if let format = document.format, format != jsonFormatTag {
            throw QuantizationError.malformedRanges("\(source): format is '\(format)', expected '\(jsonFormatTag)'")
        }
        if let version = document.version, version != 1, version != 2 {
            throw QuantizationError.malformedRanges("\(source): unsupported version \(version)")
        }
        if let dimension = document.dimension, dimension != document.minimums.count {
            throw QuantizationError.malformedRanges(
                "\(source): 'dimension' is \(dimension) but 'minimums' has \(document.minimums.count) values")
        }
        do {
            var rotation: RaBitQRotation?
            if document.rabitqCentroid != nil || document.rabitqRotation != nil {
                guard let centroid = document.rabitqCentroid, let matrix = document.rabitqRotation else {
                    throw QuantizationError.malformedRanges("'rabitq_centroid' and 'rabitq_rotation' must come together")
                }
                rotation = try RaBitQRotation(
                    dimension: document.minimums.count, seed: document.rabitqSeed ?? 0, centroid: centroid, matrix: matrix)
            }
            return try QuantizationRanges(
                minimums: document.minimums, maximums: document.maximums, ternaryThresholds: document.ternaryThresholds,
                rotation: rotation)
        } catch {
            throw QuantizationError.malformedRanges("\(source): \(error)")
        }
    }

    /// A one-line account of a JSON decoding failure, naming the key path.
    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "'\($0.stringValue)'" }.joined()
        }
        switch error {
        case .keyNotFound(let key, _): return "missing key '\(key.stringValue)'"
        case .typeMismatch(_, let context), .valueNotFound(_, let context):
            return "\(path(context)) is not a number array as expected (\(context.debugDescription))"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty
                ? "not valid JSON (\(context.debugDescription))" : "\(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}

/// The JSON layout of ``RangesFile``.
private struct RangesDocument: Decodable {
    var format: String?
    var version: Int?
    var dimension: Int?
    var minimums: [Float]
    var maximums: [Float]
    var ternaryThresholds: [Float]?
    var rabitqSeed: UInt64?
    var rabitqCentroid: [Float]?
    var rabitqRotation: [Float]?

    enum CodingKeys: String, CodingKey {
        case format, version, dimension, minimums, maximums
        case ternaryThresholds = "ternary_thresholds"
        case rabitqSeed = "rabitq_seed"
        case rabitqCentroid = "rabitq_centroid"
        case rabitqRotation = "rabitq_rotation"
    }
}
