import Foundation

/// Reads and writes ``QuantizationRanges`` so a server can reuse corpus ranges for queries.
///
/// Two formats, chosen by the file extension:
/// - `.json`: `{"format": "embedq.ranges", "version": 1, "dimension": d, "minimums": […],
///   "maximums": […], "ternary_thresholds": […]}` (thresholds optional). Numbers are written with
///   the shortest decimal that reads back to the same float32, so a round trip is exact.
/// - anything else: `.npy`, float32 `2 × d` (row 0 minimums, row 1 maximums — the array
///   sentence-transformers takes as `ranges`), or `3 × d` with row 2 the ternary thresholds.
///   float64 arrays are accepted on reading.
///
/// Writes are atomic (temporary file, fsync, rename).
public enum RangesFile {
    /// The `format` tag of the JSON layout.
    public static let jsonFormatTag = "embedq.ranges"

    /// Reads ranges from `path` (`.json` or `.npy`): the one reader of ranges files.
    ///
    /// - Throws: ``QuantizationError/malformedRanges(_:)`` naming the file and the problem;
    ///   ``QuantizationError/npy(_:)`` for a `.npy` file that cannot be read;
    ///   ``QuantizationError/inFile(path:_:)`` for ranges that are not valid (e.g. inverted).
    public static func read(contentsOf path: String) throws(QuantizationError) -> QuantizationRanges {
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
            throw .npy(error)
        }
        return try ranges(from: array, source: path)
    }

    /// Writes `ranges` to `path`: JSON when it ends in `.json`, else `.npy`.
    ///
    /// - Throws: ``QuantizationError/npy(_:)`` wrapping the failed system call.
    public static func write(_ ranges: QuantizationRanges, to path: String) throws(QuantizationError) {
        do {
            if path.lowercased().hasSuffix(".json") {
                try AtomicFile.write(Array(encodeJSON(ranges)), to: path)
            } else {
                try NPYFile.write(npyArray(for: ranges), to: path)
            }
        } catch {
            throw .npy(error)
        }
    }

    /// The `.npy` array for `ranges`: float32 `2 × d`, or `3 × d` with thresholds.
    public static func npyArray(for ranges: QuantizationRanges) -> NPYArray {
        var values = ranges.minimums + ranges.maximums
        if let thresholds = ranges.ternaryThresholds { values += thresholds }
        // Force-try is safe: the value count matches the shape by construction.
        return try! NPYArray(float32: values, shape: [values.count / max(ranges.dimension, 1), ranges.dimension])
    }

    /// Ranges from a `2 × d` or `3 × d` float array.
    public static func ranges(from array: NPYArray, source: String = "ranges") throws(QuantizationError) -> QuantizationRanges {
        guard array.dataType.isFloatingPoint else {
            throw QuantizationError.malformedRanges("\(source): ranges must be float32, got \(array.dataType.name)")
        }
        guard array.shape.count == 2, array.shape[0] == 2 || array.shape[0] == 3 else {
            throw QuantizationError.malformedRanges(
                "\(source): ranges must have shape (2, d) or (3, d) — minimums, maximums[, ternary thresholds] — got \(array.shape)")
        }
        let d = array.shape[1]
        let values: [Float]
        do {
            values = try array.float32Values()
        } catch {
            throw .npy(.inFile(path: source, error))
        }
        do {
            return try QuantizationRanges(
                minimums: Array(values[0..<d]), maximums: Array(values[d..<(2 * d)]),
                ternaryThresholds: array.shape[0] == 3 ? Array(values[(2 * d)...]) : nil)
        } catch {
            throw .inFile(path: source, error)
        }
    }

    /// The JSON document for `ranges` (UTF-8).
    public static func encodeJSON(_ ranges: QuantizationRanges) -> Data {
        func list(_ values: [Float]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        var text = "{\n  \"format\": \"\(jsonFormatTag)\",\n  \"version\": 1,\n  \"dimension\": \(ranges.dimension),\n"
        text += "  \"minimums\": \(list(ranges.minimums)),\n  \"maximums\": \(list(ranges.maximums))"
        if let thresholds = ranges.ternaryThresholds { text += ",\n  \"ternary_thresholds\": \(list(thresholds))" }
        return Data((text + "\n}\n").utf8)
    }

    /// Parses the JSON layout.
    public static func decodeJSON(_ data: Data, source: String = "ranges") throws(QuantizationError) -> QuantizationRanges {
        let document: RangesDocument
        do {
            document = try JSONDecoder().decode(RangesDocument.self, from: data)
        } catch let error as DecodingError {
            throw QuantizationError.malformedRanges("\(source): \(describe(error))")
        } catch {
            throw QuantizationError.malformedRanges("\(source): not valid JSON")
        }
        if let format = document.format, format != jsonFormatTag {
            throw QuantizationError.malformedRanges("\(source): format is '\(format)', expected '\(jsonFormatTag)'")
        }
        if let version = document.version, version != 1 {
            throw QuantizationError.malformedRanges("\(source): unsupported version \(version)")
        }
        if let dimension = document.dimension, dimension != document.minimums.count {
            throw QuantizationError.malformedRanges(
                "\(source): 'dimension' is \(dimension) but 'minimums' has \(document.minimums.count) values")
        }
        do {
            return try QuantizationRanges(
                minimums: document.minimums, maximums: document.maximums, ternaryThresholds: document.ternaryThresholds)
        } catch {
            throw .inFile(path: source, error)
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

    enum CodingKeys: String, CodingKey {
        case format, version, dimension, minimums, maximums
        case ternaryThresholds = "ternary_thresholds"
    }
}
