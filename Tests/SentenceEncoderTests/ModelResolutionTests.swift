import Foundation
import XCTest
@testable import SentenceEncoder

/// Local folders, the Hugging Face cache layout and hub downloads over loopback HTTP.
final class ModelResolutionTests: XCTestCase {
    func testCacheRootFollowsEnvironment() {
        XCTAssertEqual(HubCache(environment: ["HF_HUB_CACHE": "/x/hub", "HF_HOME": "/y", "HOME": "/h"]).root.path, "/x/hub")
        XCTAssertEqual(HubCache(environment: ["HF_HOME": "/y", "HOME": "/h"]).root.path, "/y/hub")
        XCTAssertEqual(HubCache(environment: ["XDG_CACHE_HOME": "/c", "HOME": "/h"]).root.path, "/c/huggingface/hub")
        XCTAssertEqual(HubCache(environment: ["HOME": "/h"]).root.path, "/h/.cache/huggingface/hub")
        XCTAssertEqual(HubCache(root: URL(fileURLWithPath: "/r")).repositoryFolder("org/name").path, "/r/models--org--name")
    }

    func testLocalFolderIsUsedAsIs() throws {
        let folder = try temporaryFolder(for: self)
        let locator = ModelLocator(cache: HubCache(root: folder.appendingPathComponent("hub")), downloader: nil)
        XCTAssertEqual(try locator.locate(folder.path).standardizedFileURL.path, folder.standardizedFileURL.path)
        XCTAssertThrowsError(try locator.locate(folder.appendingPathComponent("absent").path)) { error in
            XCTAssertTrue("\(error)".contains("absent"), "\(error)")
        }
    }

    func testCachedSnapshotIsFoundThroughItsRef() throws {
        let root = try temporaryFolder(for: self)
        let cache = HubCache(root: root)
        let snapshot = cache.repositoryFolder("test-org/tiny").appendingPathComponent("snapshots/abc123")
        try TinyModel().write(to: snapshot)
        let refs = cache.repositoryFolder("test-org/tiny").appendingPathComponent("refs")
        try FileManager.default.createDirectory(at: refs, withIntermediateDirectories: true)
        try "abc123".write(to: refs.appendingPathComponent("main"), atomically: true, encoding: .utf8)
        let locator = ModelLocator(environment: ["HF_HUB_CACHE": root.path, "HF_HUB_OFFLINE": "1", "HOME": root.path])
        XCTAssertEqual(try locator.locate("test-org/tiny").path, snapshot.path)
        XCTAssertEqual(try locator.locate("test-org/tiny@abc123").path, snapshot.path)
        XCTAssertThrowsError(try locator.locate("test-org/other")) { error in
            XCTAssertTrue("\(error)".contains("HF_HUB_OFFLINE"), "\(error)")
        }
        // A bare name means sentence-transformers/NAME; EmbedQ's models folder comes first.
        let models = try temporaryFolder(for: self)
        try TinyModel().write(to: models.appendingPathComponent("tiny-name"))
        let withModels = ModelLocator(cache: cache, downloader: nil, modelsFolder: models)
        XCTAssertEqual(try withModels.locate("tiny-name").path, models.appendingPathComponent("tiny-name").path)
    }

    func testDownloadFromLoopbackHubIntoCache() throws {
        // The hub: api/models/ORG/NAME/revision/main and ORG/NAME/resolve/SHA/FILE.
        let hub = try temporaryFolder(for: self)
        let commit = "0123456789abcdef0123456789abcdef01234567"
        let files = hub.appendingPathComponent("test-org/tiny/resolve/\(commit)")
        try TinyModel().write(to: files)
        let siblings = ["config.json", "model.safetensors", "vocab.txt", "tokenizer_config.json", "modules.json",
                        "sentence_bert_config.json", "1_Pooling/config.json", "pytorch_model.bin", "onnx/model.onnx", "README.md"]
        let info = hub.appendingPathComponent("api/models/test-org/tiny/revision")
        try FileManager.default.createDirectory(at: info, withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: ["id": "test-org/tiny", "sha": commit, "siblings": siblings.map { ["rfilename": $0] }])
            .write(to: info.appendingPathComponent("main"))

        let server = try LoopbackHubServer(root: hub)
        let cacheRoot = try temporaryFolder(for: self)
        let locator = ModelLocator(environment: ["HF_HUB_CACHE": cacheRoot.path, "HF_ENDPOINT": server.endpoint.absoluteString, "HOME": cacheRoot.path])
        let folder = try locator.locate("test-org/tiny")
        XCTAssertEqual(folder.path, cacheRoot.appendingPathComponent("models--test-org--tiny/snapshots/\(commit)").path)
        for file in siblings.prefix(7) {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), file)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pytorch_model.bin").path))
        let ref = try String(contentsOf: cacheRoot.appendingPathComponent("models--test-org--tiny/refs/main"), encoding: .utf8)
        XCTAssertEqual(ref, commit)
        let downloaded = try SentenceEncoder(folder: folder).encode(["the cat sat"])
        let local = try SentenceEncoder(folder: files).encode(["the cat sat"])
        XCTAssertEqual(downloaded, local)

        // Once cached, the hub is not needed; an unknown model is a clear download error.
        XCTAssertThrowsError(try locator.locate("test-org/missing")) { error in
            XCTAssertTrue("\(error)".contains("api/models/test-org/missing"), "\(error)")
            XCTAssertTrue("\(error)".contains("404"), "\(error)")
        }
        server.stop()
        XCTAssertEqual(try locator.locate("test-org/tiny").path, folder.path)
    }
}
