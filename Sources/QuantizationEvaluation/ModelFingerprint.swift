import Foundation
import SentenceEncoder

/// Fingerprints of what decides an embedding: the model's files, the encoder's numerics and
/// options, and the texts encoded.
public enum ModelFingerprint {
    /// The hash of what decides `encoder`'s vectors: every file of its model folder
    /// (``hash(ofModelFolder:)``) and its ``SentenceEncoder/numericsIdentity`` (the encoder's
    /// numerics version, the weight precision of each linear layer, static activation scales).
    ///
    /// - Throws: ``QuantizationEvaluationError/cache(path:reason:)`` when a file cannot be read.
    public static func hash(of encoder: SentenceEncoder) throws(QuantizationEvaluationError) -> ContentHash {
        var hash = try hash(ofModelFolder: encoder.folder)
        hash.update(text: encoder.numericsIdentity)
        return hash
    }

    /// The hash of every regular, non-hidden file under `folder` (relative path and contents, in
    /// path order): weights, configuration and tokenizer alike.
    ///
    /// - Throws: ``QuantizationEvaluationError/cache(path:reason:)`` when a file cannot be read.
    public static func hash(ofModelFolder folder: URL) throws(QuantizationEvaluationError) -> ContentHash {
        let root = folder.resolvingSymlinksInPath()
        var paths: [String] = []
        if let enumerator = FileManager.default.enumerator(
            at: root, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
        {
            for case let url as URL in enumerator {
                let resolved = url.resolvingSymlinksInPath()
                var isDirectory: ObjCBool = false
                if FileManager.default.fileExists(atPath: resolved.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    paths.append(String(url.path.dropFirst(root.path.count)))
                }
            }
        }
        var hash = ContentHash()
        for relative in paths.sorted() {
            let path = root.path + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .cache(path: path, reason: "cannot read the model file to fingerprint it")
            }
            hash.update(text: relative)
            hash.update(integer: data.count)
            data.withUnsafeBytes { hash.update(bytes: $0) }
        }
        return hash
    }
}
