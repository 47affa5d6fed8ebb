import Foundation
import XCTest

/// `embedq collection …` end to end, through the built executable.
final class CollectionCommandTests: XCTestCase {
    var directory: URL!
    let rows = 200, dimension = 32

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-collection-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var state: UInt64 = 7
        let values = (0..<(rows * dimension)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(state >> 33) % 2001 - 1000) / 1000
        }
        try writeNPY(values, rows: rows, to: "corpus.npy")
        try writeNPY(Array(values[(5 * dimension)..<(6 * dimension)] + values[(17 * dimension)..<(18 * dimension)]), rows: 2, to: "queries.npy")
        try write((0..<rows).map { "p\($0)" }, to: "ids.txt")
        try write((0..<rows).map { "{\"group\": \($0 % 4), \"n\": \($0), \"tags\": [\"t\($0 % 3)\"]}" }, to: "payloads.jsonl")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func writeNPY(_ values: [Float], rows: Int, to name: String) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(dimension)), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)])
        data += Data(header.utf8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += Data($0) } }
        try data.write(to: directory.appendingPathComponent(name))
    }

    func write(_ lines: [String], to name: String) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent(name))
    }

    func run(_ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, in: directory)
    }

    func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    /// A RaBitQ collection from the command line: the first batch draws the rotation, searches
    /// find each stored vector first (estimates refined with the float query, and rescored with
    /// the int8 codes), through flush, merge and verify; ranges without a rotation are refused.
    func testRaBitQCollection() throws {
        var result = try run(["collection", "create", "coll", "--dimension", "32", "--precision", "rabitq1", "--rescore", "int8", "--calibration-rows", "50"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("rabitq1 + int8"), result.standardError)
        result = try run(["collection", "add", "coll", "--vectors", "corpus.npy", "--ids", "ids.txt", "--payloads", "payloads.jsonl"])
        XCTAssertEqual(result.status, 0, result.standardError)
        for stage in [[], ["flush"], ["merge", "--all"]] {
            if !stage.isEmpty {
                result = try run(["collection"] + stage + ["coll"])
                XCTAssertEqual(result.status, 0, "\(stage): \(result.standardError)")
            }
            for extra in [[], ["--rescore", "4"]] {
                result = try run(["collection", "search", "coll", "--queries", "queries.npy", "-k", "3", "--json"] + extra)
                XCTAssertEqual(result.status, 0, result.standardError)
                let lines = try jsonLines(result.standardOutput)
                XCTAssertEqual(lines.map { (($0["hits"] as? [[String: Any]])?.first?["id"]) as? String }, ["p5", "p17"], "\(stage) \(extra)")
            }
        }
        result = try run(["collection", "verify", "coll"])
        XCTAssertEqual(result.status, 0, result.standardError)

        result = try run(["calibrate", "corpus.npy", "-o", "plain.npy"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "create", "other", "--dimension", "32", "--precision", "rabitq2", "--ranges", "plain.npy"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("rabitq2") && result.standardError.contains("rotation"), result.standardError)
    }

    func testCreateAddSearchFilterDeleteFlushMergeSnapshot() throws {
        var result = try run(["collection", "create", "coll", "--dimension", "32", "--precision", "binary", "--rescore", "int8", "--calibration-rows", "50"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "add", "coll", "--vectors", "corpus.npy", "--ids", "ids.txt", "--payloads", "payloads.jsonl"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("added 200 points"), result.standardError)

        result = try run(["collection", "get", "coll", "p5", "nope", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        var lines = try jsonLines(result.standardOutput)
        XCTAssertEqual(lines.map { $0["id"] as? String }, ["p5", "nope"])
        XCTAssertEqual(lines.map { $0["found"] as? Bool }, [true, false])
        XCTAssertEqual((lines[0]["payload"] as? [String: Any])?["n"] as? Int, 5)

        // Rescored, each query (a stored vector) finds its own point first.
        result = try run(["collection", "search", "coll", "--queries", "queries.npy", "-k", "3", "--rescore", "20", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        lines = try jsonLines(result.standardOutput)
        XCTAssertEqual(lines.map { (($0["hits"] as? [[String: Any]])?.first?["id"]) as? String }, ["p5", "p17"])

        // Filtered: every hit satisfies the filter; the query's own point (group 1) is excluded.
        let filter = "{\"must\": [{\"key\": \"group\", \"match\": {\"value\": 2}}], \"must_not\": [{\"key\": \"n\", \"range\": {\"gte\": 100}}]}"
        result = try run(["collection", "search", "coll", "--queries", "queries.npy", "-k", "10", "--filter", filter, "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        for line in try jsonLines(result.standardOutput) {
            let hits = try XCTUnwrap(line["hits"] as? [[String: Any]])
            XCTAssertEqual(hits.count, 10)
            for hit in hits {
                let payload = try XCTUnwrap(hit["payload"] as? [String: Any])
                XCTAssertEqual(payload["group"] as? Int, 2)
                XCTAssertLessThan(try XCTUnwrap(payload["n"] as? Int), 100)
            }
        }
        result = try run(["collection", "search", "coll", "--queries", "queries.npy", "--filter", "{\"must\": [{\"key\": \"group\"}]}"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("must[0]"), result.standardError)

        result = try run(["collection", "delete", "coll", "p5", "p6"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "get", "coll", "p5", "--json"])
        XCTAssertEqual(try jsonLines(result.standardOutput).first?["found"] as? Bool, false)
        for command in [["flush"], ["merge", "--all"], ["verify"]] {
            result = try run(["collection"] + command + ["coll"])
            XCTAssertEqual(result.status, 0, "\(command): \(result.standardError)")
        }
        result = try run(["collection", "info", "coll", "--json"])
        let info = try XCTUnwrap(try jsonLines(result.standardOutput).first)
        XCTAssertEqual(info["count"] as? Int, 198)
        XCTAssertEqual((info["segments"] as? [Any])?.count, 1)

        result = try run(["collection", "snapshot", "coll", "--output", "copy"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "search", "copy", "--queries", "queries.npy", "-k", "1", "--rescore", "20", "--json"])
        lines = try jsonLines(result.standardOutput)
        XCTAssertEqual(lines.map { (($0["hits"] as? [[String: Any]])?.first?["id"]) as? String }.last, "p17")

        // A bad payload line is named.
        try write(["{\"a\": 1}", "[2]"], to: "bad.jsonl")
        try write(["x1", "x2"], to: "two.txt")
        try writeNPY([Float](repeating: 0.5, count: 2 * dimension), rows: 2, to: "two.npy")
        result = try run(["collection", "add", "coll", "--vectors", "two.npy", "--ids", "two.txt", "--payloads", "bad.jsonl"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("bad.jsonl line 2"), result.standardError)
    }

    func testTextsAreEncodedWithTheRecordedModelAndAnotherModelIsRefused() throws {
        let model = try SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent()
        let texts = ["The cat sat on the mat.", "Quantum computers use qubits.", "Paris is the capital of France.",
                     "A recipe for chocolate cake.", "The stock market fell sharply today."]
        try write(texts.map { "{\"text\": \"\($0)\"}" }, to: "texts.jsonl")
        try write(["cat", "quantum", "paris", "cake", "stocks"], to: "text-ids.txt")
        var result = try run(["collection", "create", "texts", "--dimension", "384", "--precision", "binary", "--rescore", "int8",
                              "--calibration-rows", "5", "--model", model.path])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "add", "texts", "--texts", "texts.jsonl", "--ids", "text-ids.txt"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "search", "texts", "--query-text", "what are qubits", "--query-text", "capital city of France",
                          "-k", "2", "--rescore", "5", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let first = try jsonLines(result.standardOutput).map { (($0["hits"] as? [[String: Any]])?.first?["id"]) as? String }
        XCTAssertEqual(first, ["quantum", "paris"])

        // The same model with one weight byte changed has another fingerprint: refused.
        let other = directory.appendingPathComponent("other-model")
        try FileManager.default.copyItem(at: model, to: other)
        let weights = other.appendingPathComponent("model.safetensors")
        var bytes = try Data(contentsOf: weights)
        bytes[bytes.count - 1] ^= 1
        try bytes.write(to: weights)
        result = try run(["collection", "search", "texts", "--query-text", "what are qubits", "--model", other.path])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("the collection was built with model"), result.standardError)
    }
}
