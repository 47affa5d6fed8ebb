import EmbedQTestSupport
import Foundation
import XCTest

/// RaBitQ and projection heads from the command line, end to end on the 280 golden embeddings:
/// calibrate --rotation, quantize / search rabitq codes, train-head (qat and itq) and --head.
final class RaBitQCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-rabitq-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func run(_ arguments: [String]) throws -> CommandRunner.Result {
        let result = try CommandRunner.run(arguments, in: directory)
        XCTAssertEqual(result.status, 0, "\(arguments): \(result.standardError)")
        return result
    }

    /// The shape in a .npy header ("(280, 56)").
    private func shape(_ path: String) throws -> String {
        let data = try Data(contentsOf: directory.appendingPathComponent(path))
        let header = String(decoding: data.prefix(128), as: UTF8.self)
        let start = try XCTUnwrap(header.range(of: "'shape': ("))
        return String(header[start.upperBound...].prefix { $0 != ")" })
    }

    func testRotationCodesSearchAndHeads() throws {
        let embeddings = try SharedData.file("golden/embeddings_all-MiniLM-L6-v2.npy").path
        _ = try run(["calibrate", embeddings, "--rotation", "--rotation-seed", "3", "-o", "ranges.json"])
        let ranges = try String(contentsOf: directory.appendingPathComponent("ranges.json"), encoding: .utf8)
        XCTAssertTrue(ranges.contains("\"version\": 2") && ranges.contains("rabitq_rotation"))
        _ = try run(["quantize", embeddings, "-p", "rabitq1", "--ranges", "ranges.json", "-o", "codes.npy"])
        XCTAssertEqual(try shape("codes.npy"), "280, 56")
        // Each golden text's own vector is its best hit, through the RaBitQ scan and refinement.
        let search = try run(["search", embeddings, "--queries", embeddings, "--precision", "rabitq2",
                              "--ranges", "ranges.json", "-k", "1", "--json"])
        let lines = search.standardOutput.split(separator: "\n")
        XCTAssertEqual(lines.count, 280)
        let selfHits = try lines.enumerated().filter { query, line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let hits = try XCTUnwrap(object["hits"] as? [[String: Any]])
            return object["query"] as? Int == query && hits.first?["row"] as? Int == query
        }.count
        XCTAssertGreaterThanOrEqual(selfHits, 275, "self hits \(selfHits) of 280")
        // Without a rotation: a clear failure naming what is missing.
        _ = try run(["calibrate", embeddings, "-o", "plain.json"])
        let refused = try CommandRunner.run(["quantize", embeddings, "-p", "rabitq1", "--ranges", "plain.json", "-o", "x.npy"], in: directory)
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertTrue(refused.standardError.contains("rotation"), refused.standardError)

        // Heads: a short QAT run to 64 dimensions, ITQ, and --head on quantize.
        let trained = try run(["train-head", embeddings, "-p", "binary", "--dimension", "64", "--steps", "20", "-o", "head.json"])
        XCTAssertTrue(trained.standardError.contains("step 20"), trained.standardError)
        _ = try run(["train-head", embeddings, "-p", "ternary", "--method", "itq", "--dimension", "32", "-o", "itq.json"])
        _ = try run(["quantize", embeddings, "-p", "binary", "--head", "head.json", "-o", "bits.npy"])
        XCTAssertEqual(try shape("bits.npy"), "280, 8")
        _ = try run(["calibrate", embeddings, "--head", "itq.json", "-o", "itq-ranges.npy"])
        _ = try run(["quantize", embeddings, "-p", "ternary", "--head", "itq.json", "--ranges", "itq-ranges.npy", "-o", "trits.npy"])
        XCTAssertEqual(try shape("trits.npy"), "280, 8")
        let wrong = try CommandRunner.run(["train-head", embeddings, "-p", "float32", "-o", "h.json"], in: directory)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.standardError.contains("float32"), wrong.standardError)
    }
}
