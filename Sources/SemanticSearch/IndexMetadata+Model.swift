import EmbeddingStore
import Foundation

extension IndexMetadata {
    /// Metadata recording the model `model` (a hub id or a folder): its name, and its absolute
    /// folder when `model` names an existing folder (so that a later text search finds it even
    /// from another working directory).
    public init(model: String) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: model, isDirectory: &isDirectory), isDirectory.boolValue else {
            self.init(modelName: model)
            return
        }
        self.init(modelName: model, modelPath: URL(fileURLWithPath: model).standardizedFileURL.path)
    }

    /// The model to load for encoding queries: the recorded folder while it exists, else the
    /// recorded name (resolved by `ModelLocator`); `nil` when nothing is recorded.
    public var modelToLoad: String? {
        if let modelPath, FileManager.default.fileExists(atPath: modelPath) { return modelPath }
        return modelName
    }
}
