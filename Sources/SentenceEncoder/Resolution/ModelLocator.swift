import Foundation

/// Finds a model folder from a name: an existing local folder, then EmbedQ's own model folder
/// (`$EMBEDQ_MODELS/NAME`, default `~/.cache/embedq/models/NAME`, where
/// `scripts/lib/fetch-model.sh` puts the default model), then the Hugging Face cache (see
/// ``HubCache``), then a download from the hub (see ``HubDownloader``).
public struct ModelLocator: Sendable {
    /// EmbedQ's model folder, searched by the last component of a name; `nil` skips it.
    public var modelsFolder: URL?
    /// The cache searched and filled.
    public var cache: HubCache
    /// The downloader used when the cache lacks the model; `nil` disables downloads.
    public var downloader: HubDownloader?

    /// A locator over the cache and hub the environment names (`HF_HOME`, `HF_HUB_CACHE`,
    /// `HF_ENDPOINT`); downloads are off when `HF_HUB_OFFLINE` is `1`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        cache = HubCache(environment: environment)
        if let models = environment["EMBEDQ_MODELS"], !models.isEmpty {
            modelsFolder = URL(fileURLWithPath: (models as NSString).expandingTildeInPath, isDirectory: true)
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            modelsFolder = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/embedq/models")
        }
        let offline = ["1", "true", "yes"].contains(environment["HF_HUB_OFFLINE"]?.lowercased() ?? "")
        downloader = offline ? nil : HubDownloader(environment: environment)
    }

    /// A locator with an explicit cache and downloader.
    public init(cache: HubCache, downloader: HubDownloader?, modelsFolder: URL? = nil) {
        self.cache = cache
        self.modelsFolder = modelsFolder
        self.downloader = downloader
    }

    /// The folder of the model `name`.
    ///
    /// - Parameters:
    ///   - name: a path to a folder, or a hub repository id (`ORG/NAME`, or `NAME`, which is
    ///     looked up as `sentence-transformers/NAME`), optionally `@REVISION`.
    /// - Throws: ``SentenceEncoderError/modelNotFound(name:reason:)`` or a download error.
    public func locate(_ name: String) throws(SentenceEncoderError) -> URL {
        var isDirectory: ObjCBool = false
        let expanded = (name as NSString).expandingTildeInPath
        if FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw SentenceEncoderError.modelNotFound(name: name, reason: "\(expanded) is a file, not a model folder")
            }
            return URL(fileURLWithPath: expanded, isDirectory: true)
        }
        if name.hasPrefix("/") || name.hasPrefix(".") || name.hasPrefix("~") {
            throw SentenceEncoderError.modelNotFound(name: name, reason: "no such folder")
        }
        var repository = name
        var revision = "main"
        if let at = name.lastIndex(of: "@") {
            repository = String(name[..<at])
            revision = String(name[name.index(after: at)...])
        }
        if !repository.contains("/") { repository = "sentence-transformers/" + repository }
        let parts = repository.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty && !$0.contains("..") }), !revision.isEmpty, !revision.contains("/") else {
            throw SentenceEncoderError.modelNotFound(name: name, reason: "not a folder and not a hub id of the form ORG/NAME[@REVISION]")
        }
        if revision == "main", let modelsFolder {
            let folder = modelsFolder.appendingPathComponent(String(parts[1]), isDirectory: true)
            if FileManager.default.fileExists(atPath: folder.appendingPathComponent("config.json").path) {
                return folder
            }
        }
        if let folder = cache.snapshot(repository: repository, revision: revision) {
            return folder
        }
        guard let downloader else {
            throw SentenceEncoderError.modelNotFound(
                name: name, reason: "not a folder, not in the Hugging Face cache at \(cache.root.path), and downloads are off (HF_HUB_OFFLINE)")
        }
        return try downloader.download(repository: repository, revision: revision, into: cache)
    }
}
