import EmbeddingQuantization
import Foundation

/// A folder of float32 embedding matrices (`.npy`) named by a content key, so that a second
/// evaluation of the same model on the same texts skips encoding.
///
/// The default folder is `$XDG_CACHE_HOME/embedq/embeddings` (`~/.cache/embedq/embeddings`).
/// Files are written atomically; a file that cannot be decoded (or holds another shape) is
/// reported, then treated as missing, so that the caller encodes and stores it again.
public struct EmbeddingCache: Sendable {
    /// The folder holding `<key>.npy` files.
    public let folder: URL

    /// A cache in `folder`.
    public init(folder: URL) {
        self.folder = folder
    }

    /// The default cache folder, from `XDG_CACHE_HOME` or `HOME`.
    public static func defaultFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        let base: URL
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            base = URL(fileURLWithPath: xdg)
        } else {
            base = URL(fileURLWithPath: environment["HOME"] ?? NSTemporaryDirectory()).appendingPathComponent(".cache")
        }
        return base.appendingPathComponent("embedq").appendingPathComponent("embeddings")
    }

    /// The file that holds the matrix stored under `key`.
    public func url(forKey key: String) -> URL {
        folder.appendingPathComponent("\(key).npy")
    }

    /// The matrix stored under `key` when it exists, decodes, and has `rowCount × dimension`
    /// values; otherwise `nil`.
    ///
    /// - Parameter warning: called with a message naming the file when one exists under `key`
    ///   but is corrupt (not a float32 `.npy`, truncated, another shape, non-finite values).
    public func matrix(
        forKey key: String, rowCount: Int, dimension: Int, warning: ((String) -> Void)? = nil
    ) -> EmbeddingMatrix? {
        let path = url(forKey: key).path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let problem: String
        do {
            let matrix = try EmbeddingMatrix(contentsOfNPY: path)
            if matrix.rowCount == rowCount, matrix.dimension == dimension {
                try matrix.validateFinite()
                return matrix
            }
            problem = "holds \(matrix.rowCount) × \(matrix.dimension) values, expected \(rowCount) × \(dimension)"
        } catch {
            problem = "\(error)"
        }
        warning?("ignoring the corrupt embedding cache file \(path) (\(problem)); encoding again")
        return nil
    }

    /// Stores `matrix` under `key` (creating the folder; replacing the file atomically).
    ///
    /// - Throws: ``QuantizationEvaluationError/cache(path:reason:)``.
    public func store(_ matrix: EmbeddingMatrix, forKey key: String) throws(QuantizationEvaluationError) {
        let target = url(forKey: key)
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(NPYFile.encode(matrix.npyArray)).write(to: target, options: .atomic)
        } catch {
            throw .cache(path: target.path, reason: "\(error)")
        }
    }
}
