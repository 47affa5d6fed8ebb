import EmbedQ
import Foundation

/// The model a collection records, for `--texts`, `--query-text` and `create --model`: loading
/// it, fingerprinting it (its files and the encoder's numerics, `ModelFingerprint`), and refusing
/// text encoded by another model.
enum CollectionText {
    /// Loads `model` (hub id or folder) and describes it for a new collection.
    static func record(model: String) throws -> RecordedModel {
        let encoder = try SentenceEncoder(model: model)
        var isDirectory: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory) && isDirectory.boolValue
            ? URL(fileURLWithPath: model).standardizedFileURL.path : nil
        return RecordedModel(
            name: model, path: folder, fingerprint: try ModelFingerprint.hash(of: encoder).hexDigest, dimension: encoder.dimension)
    }

    /// The encoder for a collection recording `recorded`: `model` when given, else the recorded
    /// folder (while it exists) or name; refused when its fingerprint is not the recorded one.
    /// `threads` caps the encoder's threads (default: every active processor).
    ///
    /// - Throws: ``CollectionError/noModelRecorded(path:)``, ``CollectionError/modelMismatch(recorded:given:)``.
    static func encoder(recorded: RecordedModel?, given model: String?, directory: String, threads: Int? = nil) throws -> SentenceEncoder {
        guard let recorded else { throw CollectionError.noModelRecorded(path: directory) }
        let name = model ?? recorded.path.flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil } ?? recorded.name
        let encoder = try SentenceEncoder(model: name, threadCount: threads)
        let fingerprint = try ModelFingerprint.hash(of: encoder).hexDigest
        guard fingerprint == recorded.fingerprint else {
            throw CollectionError.modelMismatch(recorded: "\(recorded.name) (\(recorded.fingerprint.prefix(12)))", given: "\(name) (\(fingerprint.prefix(12)))")
        }
        return encoder
    }
}
