import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Downloads a model folder from a Hugging Face hub into a ``HubCache``.
///
/// Protocol: `GET <endpoint>/api/models/ORG/NAME/revision/REV` answers JSON with the commit
/// (`sha`) and the file list (`siblings[].rfilename`); each needed file is then fetched from
/// `GET <endpoint>/ORG/NAME/resolve/<sha>/<file>` and written (temporary file, then rename) to
/// `snapshots/<sha>/<file>`; finally `refs/REV` receives the commit.
public struct HubDownloader: Sendable {
    /// The hub's base URL (`$HF_ENDPOINT`, default `https://huggingface.co`).
    public var endpoint: URL
    /// A bearer token (`$HF_TOKEN`) for private models, or `nil`.
    public var token: String?
    /// Seconds before a request without progress fails.
    public var timeout: TimeInterval = 60

    /// A downloader for the hub the environment names.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let base = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co"
        endpoint = URL(string: base) ?? URL(string: "https://huggingface.co")!
        token = environment["HF_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A downloader for the hub at `endpoint`.
    public init(endpoint: URL, token: String? = nil) {
        self.endpoint = endpoint
        self.token = token
    }

    /// Whether a file of the repository is needed to run it as a sentence encoder: configuration
    /// and tokenizer files at any depth, and safetensors weights; not other weight formats.
    public static func isNeeded(_ file: String) -> Bool {
        let name = (file as NSString).lastPathComponent
        let depth = file.split(separator: "/").count
        if file.hasPrefix("onnx/") || file.hasPrefix("openvino/") { return false }
        if name == "model.safetensors" || name == "config.json" { return depth <= 2 }
        return depth == 1 && [
            "tokenizer.json", "vocab.txt", "tokenizer_config.json", "special_tokens_map.json", "modules.json",
            "sentence_bert_config.json", "config_sentence_transformers.json",
        ].contains(name)
    }

    /// Downloads `repository` at `revision` into `cache` and returns the snapshot folder.
    ///
    /// - Throws: ``SentenceEncoderError/downloadFailed(url:reason:)`` naming the URL.
    public func download(repository: String, revision: String, into cache: HubCache) throws(SentenceEncoderError) -> URL {
        let infoURL = endpoint.appendingPathComponent("api/models/\(repository)/revision/\(revision)")
        let info = try fetch(infoURL)
        guard let object = try? JSONSerialization.jsonObject(with: info) as? [String: Any],
              let siblings = object["siblings"] as? [[String: Any]] else {
            throw SentenceEncoderError.downloadFailed(url: infoURL.absoluteString, reason: "answer is not a model description with \"siblings\"")
        }
        let commit = (object["sha"] as? String).flatMap { $0.isEmpty ? nil : $0 } ?? revision
        guard !commit.contains("/"), !commit.contains("..") else {
            throw SentenceEncoderError.downloadFailed(url: infoURL.absoluteString, reason: "invalid commit \"\(commit)\"")
        }
        let files = siblings.compactMap { $0["rfilename"] as? String }.filter(Self.isNeeded)
        guard files.contains("config.json") else {
            throw SentenceEncoderError.downloadFailed(url: infoURL.absoluteString, reason: "the repository has no config.json")
        }
        let repositoryFolder = cache.repositoryFolder(repository)
        let snapshot = repositoryFolder.appendingPathComponent("snapshots").appendingPathComponent(commit, isDirectory: true)
        let manager = FileManager.default
        for file in files.sorted() where !file.contains("..") {
            let destination = snapshot.appendingPathComponent(file)
            if manager.fileExists(atPath: destination.path) { continue }
            let url = endpoint.appendingPathComponent("\(repository)/resolve/\(commit)/\(file)")
            let data = try fetch(url)
            try write(data, to: destination, source: url)
        }
        if commit != revision {
            let ref = repositoryFolder.appendingPathComponent("refs").appendingPathComponent(revision)
            try write(Data(commit.utf8), to: ref, source: infoURL)
        }
        return snapshot
    }

    /// Writes through a temporary file and a rename, so a reader never sees half a file.
    private func write(_ data: Data, to destination: URL, source: URL) throws(SentenceEncoderError) {
        do {
            try FileManager.default.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            let temporary = destination.deletingLastPathComponent()
                .appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).incomplete")
            try data.write(to: temporary)
            if FileManager.default.fileExists(atPath: destination.path) {
                try FileManager.default.removeItem(at: destination)
            }
            try FileManager.default.moveItem(at: temporary, to: destination)
        } catch {
            throw SentenceEncoderError.downloadFailed(url: source.absoluteString, reason: "cannot write \(destination.path): \(error.localizedDescription)")
        }
    }

    /// The body of a `GET`, or an error for a transport failure or a status other than 200.
    private func fetch(_ url: URL) throws(SentenceEncoderError) -> Data {
        var request = URLRequest(url: url, timeoutInterval: timeout)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let box = ResponseBox()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: request) { data, response, error in
            box.set(data: data, status: (response as? HTTPURLResponse)?.statusCode, error: error)
            done.signal()
        }
        task.resume()
        done.wait()
        let (data, status, error) = box.get()
        if let error {
            throw SentenceEncoderError.downloadFailed(url: url.absoluteString, reason: error.localizedDescription)
        }
        guard status == 200, let data else {
            throw SentenceEncoderError.downloadFailed(url: url.absoluteString, reason: "HTTP status \(status.map(String.init) ?? "none")")
        }
        return data
    }
}

/// Carries a response from URLSession's callback thread to the waiting caller.
private final class ResponseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var data: Data?
    private var status: Int?
    private var error: (any Error)?

    func set(data: Data?, status: Int?, error: (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        self.data = data
        self.status = status
        self.error = error
    }

    func get() -> (Data?, Int?, (any Error)?) {
        lock.lock()
        defer { lock.unlock() }
        return (data, status, error)
    }
}
