import EmbedQTestSupport
import Foundation
import XCTest
@testable import SentenceEncoder

/// all-mpnet-base-v2 (real weights) against PyTorch sentence-transformers on 32 SciFact texts
/// (`Tests/Fixtures/models/all-mpnet-base-v2-scifact.json`, made by
/// `scripts/fixtures/make-mpnet-golden.sh`). Opt-in: the model is 420 MB; run with
/// `EMBEDQ_MPNET_TEST=1` after `scripts/lib/fetch-mpnet.sh` (or `EMBEDQ_MPNET=<folder>`).
final class MPNetRealModelTests: XCTestCase {
    private struct Golden: Decodable {
        var texts: [String]
        var inputIds: [[Int32]]
        var dimension: Int
        var embeddingsF32Base64: String
    }

    func testAllMPNetBaseV2MatchesSentenceTransformers() throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["EMBEDQ_MPNET_TEST"] == "1" || environment["EMBEDQ_MPNET"] != nil else {
            throw XCTSkip("opt-in: set EMBEDQ_MPNET_TEST=1 (model from scripts/lib/fetch-mpnet.sh) or EMBEDQ_MPNET=<folder>")
        }
        let folder = environment["EMBEDQ_MPNET"].map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/embedq/models/all-mpnet-base-v2")
        guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("model.safetensors").path) else {
            throw XCTSkip("all-mpnet-base-v2 not found at \(folder.path); run scripts/lib/fetch-mpnet.sh")
        }
        let goldenFile = SharedData.packageRoot.appendingPathComponent("Tests/Fixtures/models/all-mpnet-base-v2-scifact.json")
        guard FileManager.default.fileExists(atPath: goldenFile.path) else {
            throw XCTSkip("\(goldenFile.path) is missing: run scripts/fixtures/make-mpnet-golden.sh")
        }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let golden = try decoder.decode(Golden.self, from: Data(contentsOf: goldenFile))
        let bytes = try XCTUnwrap(Data(base64Encoded: golden.embeddingsF32Base64))
        let flat = bytes.withUnsafeBytes { raw in
            (0..<(bytes.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self))) }
        }
        let expected = (0..<golden.texts.count).map { Array(flat[($0 * golden.dimension)..<(($0 + 1) * golden.dimension)]) }
        let encoder = try SentenceEncoder(folder: folder)
        XCTAssertEqual(encoder.model.configuration.architecture, .mpnet)
        XCTAssertEqual(encoder.maxSequenceLength, 384)
        XCTAssertEqual(try encoder.tokenize(golden.texts), golden.inputIds)
        let result = ArchitectureFixture.assertClose(try encoder.encode(golden.texts), expected, "all-mpnet-base-v2")
        print(String(format: "all-mpnet-base-v2: min cosine %.9f, max |diff| %.2e over %d SciFact texts",
                     result.cosine, Double(result.difference), golden.texts.count))
    }
}
