import EmbeddingQuantization
import Foundation

/// Reads and writes a ``ProjectionHead`` as JSON: `{"format": "embedq.head", "version": 1,
/// "input_dimension": d, "output_dimension": d′, "precision": "binary" | null,
/// "weights": [d′ × d values, row-major], "scales": [d′], "offsets": [d′]}`. Numbers are
/// written with the shortest decimal that reads back to the same double. Writes are atomic.
public enum ProjectionHeadFile {
    /// The `format` tag.
    public static let formatTag = "embedq.head"

    /// Writes `head` to `path`.
    ///
    /// - Throws: ``TrainingError/malformedHead(_:)`` naming the file when it cannot be written.
    public static func write(_ head: ProjectionHead, to path: String) throws(TrainingError) {
        func list(_ values: [Double]) -> String { "[" + values.map { "\($0)" }.joined(separator: ", ") + "]" }
        var text = "{\n  \"format\": \"\(formatTag)\",\n  \"version\": 1,\n"
        text += "  \"input_dimension\": \(head.inputDimension),\n  \"output_dimension\": \(head.outputDimension),\n"
        text += "  \"precision\": \(head.precision.map { "\"\($0.rawValue)\"" } ?? "null"),\n"
        text += "  \"scales\": \(list(head.scales)),\n  \"offsets\": \(list(head.offsets)),\n"
        text += "  \"weights\": \(list(head.weights))\n}\n"
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw .malformedHead("\(path): cannot write: \(error.localizedDescription)")
        }
    }

    /// Reads a head from `path`.
    ///
    /// - Throws: ``TrainingError/malformedHead(_:)`` naming the file and the problem (not JSON,
    ///   another format or version, missing keys, inconsistent shapes, non-finite values).
    public static func read(contentsOf path: String) throws(TrainingError) -> ProjectionHead {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw .malformedHead("\(path): cannot read: \(error.localizedDescription)")
        }
        let document: HeadDocument
        do {
            document = try JSONDecoder().decode(HeadDocument.self, from: data)
        } catch {
            throw .malformedHead("\(path): not a head file (\(error))")
        }
        guard document.format == formatTag else { throw .malformedHead("\(path): format is '\(document.format)', expected '\(formatTag)'") }
        guard document.version == 1 else { throw .malformedHead("\(path): unsupported version \(document.version)") }
        var precision: Precision?
        if let name = document.precision {
            guard let known = Precision(rawValue: name) else { throw .malformedHead("\(path): unknown precision '\(name)'") }
            precision = known
        }
        do {
            return try ProjectionHead(
                inputDimension: document.inputDimension, outputDimension: document.outputDimension, weights: document.weights,
                scales: document.scales, offsets: document.offsets, precision: precision)
        } catch {
            throw .malformedHead("\(path): \(error)")
        }
    }
}

private struct HeadDocument: Decodable {
    var format: String
    var version: Int
    var inputDimension: Int
    var outputDimension: Int
    var precision: String?
    var weights: [Double]
    var scales: [Double]
    var offsets: [Double]

    enum CodingKeys: String, CodingKey {
        case format, version, precision, weights, scales, offsets
        case inputDimension = "input_dimension"
        case outputDimension = "output_dimension"
    }
}
