#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// What an index records about the model that made its embeddings, so that a query text can be
/// encoded the same way later. Stored as UTF-8 JSON in the metadata section.
public struct IndexMetadata: Sendable, Equatable, Codable {
    /// The model's name (e.g. `"sentence-transformers/all-MiniLM-L6-v2"`), if known.
    public var modelName: String?
    /// The model folder's path, if known.
    public var modelPath: String?
    /// Free-form string properties (pooling, normalization, corpus name, …).
    public var properties: [String: String]

    /// Creates metadata.
    public init(modelName: String? = nil, modelPath: String? = nil, properties: [String: String] = [:]) {
        self.modelName = modelName
        self.modelPath = modelPath
        self.properties = properties
    }

    /// The JSON bytes (keys sorted, so equal metadata gives equal bytes).
    func encoded() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return try [UInt8](encoder.encode(self))
    }

    /// Decodes the metadata section's bytes.
    init(decoding bytes: [UInt8]) throws(IndexFileError) {
        do {
            self = try JSONDecoder().decode(IndexMetadata.self, from: Data(bytes))
        } catch {
            throw .malformedSection(section: .metadata, reason: "not the expected JSON object (\(error))")
        }
    }
}
