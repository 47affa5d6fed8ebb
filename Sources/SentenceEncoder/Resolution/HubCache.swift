import Foundation

/// The Hugging Face hub cache layout:
/// `<root>/models--ORG--NAME/refs/<revision>` holds a commit hash, and
/// `<root>/models--ORG--NAME/snapshots/<commit>/` holds the files.
///
/// The root is `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`
/// (`$XDG_CACHE_HOME/huggingface/hub` when `XDG_CACHE_HOME` is set).
public struct HubCache: Sendable {
    /// The cache folder holding `models--…` folders.
    public var root: URL

    /// The cache named by the environment.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        if let hubCache = environment["HF_HUB_CACHE"], !hubCache.isEmpty {
            root = URL(fileURLWithPath: (hubCache as NSString).expandingTildeInPath, isDirectory: true)
        } else if let home = environment["HF_HOME"], !home.isEmpty {
            root = URL(fileURLWithPath: (home as NSString).expandingTildeInPath, isDirectory: true).appendingPathComponent("hub")
        } else if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            root = URL(fileURLWithPath: xdg, isDirectory: true).appendingPathComponent("huggingface/hub")
        } else {
            let home = environment["HOME"] ?? NSHomeDirectory()
            root = URL(fileURLWithPath: home, isDirectory: true).appendingPathComponent(".cache/huggingface/hub")
        }
    }

    /// A cache at `root`.
    public init(root: URL) {
        self.root = root
    }

    /// `<root>/models--ORG--NAME` for `repository` `ORG/NAME`.
    public func repositoryFolder(_ repository: String) -> URL {
        root.appendingPathComponent("models--" + repository.replacingOccurrences(of: "/", with: "--"), isDirectory: true)
    }

    /// The snapshot folder of `repository` at `revision` (a ref such as `main`, or a commit hash),
    /// or `nil` when the cache lacks it or it has no `config.json`.
    public func snapshot(repository: String, revision: String) -> URL? {
        let folder = repositoryFolder(repository)
        var commit = revision
        let ref = folder.appendingPathComponent("refs").appendingPathComponent(revision)
        if let text = try? String(contentsOf: ref, encoding: .utf8) {
            commit = text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let snapshot = folder.appendingPathComponent("snapshots").appendingPathComponent(commit, isDirectory: true)
        let config = snapshot.appendingPathComponent("config.json")
        return FileManager.default.fileExists(atPath: config.path) ? snapshot : nil
    }
}
