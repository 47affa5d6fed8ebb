import Foundation
import XCTest

/// `embedq index …` and `embedq search INDEX` end to end, through the built executable.
final class IndexCommandTests: XCTestCase {
    var directory: URL!
    let rows = 300, dimension = 32

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-index-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var state: UInt64 = 42
        let values = (0..<(rows * dimension)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(state >> 33) % 2001 - 1000) / 1000
        }
        try writeNPY(values, rows: rows, columns: dimension, to: "corpus.npy")
        try writeNPY(Array(values[(5 * dimension)..<(6 * dimension)] + values[(17 * dimension)..<(18 * dimension)]),
                     rows: 2, columns: dimension, to: "queries.npy")
        try write((0..<rows).map { "doc \($0)" }, to: "ids.txt")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// A little-endian float32 `.npy` (format 1.0) of `rows × columns` values.
    func writeNPY(_ values: [Float], rows: Int, columns: Int, to name: String) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
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

    /// The hits of each query of `embedq search … --json`.
    func hits(_ output: String) throws -> [[(id: String, score: Double)]] {
        try output.split(separator: "\n").enumerated().map { number, line in
            let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            XCTAssertEqual(object["query"] as? Int, number)
            let hits = try XCTUnwrap(object["hits"] as? [[String: Any]])
            return try hits.map { (id: try XCTUnwrap($0["id"] as? String), score: try XCTUnwrap($0["score"] as? Double)) }
        }
    }

    func testBuildSearchDeleteCompactAddVerifyRoundTrip() throws {
        var result = try run(["index", "build", "corpus.npy", "--ids", "ids.txt", "--precision", "binary", "--rescore", "int8",
                              "--output", "test.embq"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(result.standardOutput, "")
        XCTAssertTrue(result.standardError.contains("300 documents"), result.standardError)

        result = try run(["index", "info", "test.embq", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let info = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(info["live"] as? Int, 300)
        XCTAssertEqual(info["fastPrecision"] as? String, "binary")
        XCTAssertEqual(info["rescoringPrecision"] as? String, "int8")
        XCTAssertEqual(info["fastBytes"] as? Int, 300 * 4)
        XCTAssertEqual(info["rescoringBytes"] as? Int, 300 * 32)

        // Rescored, each query (a corpus row) finds its own document first.
        result = try run(["search", "test.embq", "--queries", "queries.npy", "-k", "5", "--rescore", "20", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        var found = try hits(result.standardOutput)
        XCTAssertEqual(found.map { $0.first?.id }, ["doc 5", "doc 17"])
        XCTAssertEqual(found.map(\.count), [5, 5])
        XCTAssertEqual(found[0].map(\.score), found[0].map(\.score).sorted(by: >))
        // Without rescoring: Hamming distances, the query's own codes at distance 0.
        result = try run(["search", "test.embq", "--queries", "queries.npy", "-k", "3"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasPrefix("query 0:\n  1. doc 5  distance 0\n"), result.standardOutput)

        // Delete by argument and by file; deleted ids are never returned.
        try write(["doc 17", "no such doc"], to: "delete.txt")
        result = try run(["index", "delete", "test.embq", "doc 5", "--ids", "delete.txt"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("no live document with id 'no such doc'"), result.standardError)
        result = try run(["search", "test.embq", "--queries", "queries.npy", "-k", "300", "--rescore", "2", "--json"])
        found = try hits(result.standardOutput)
        XCTAssertEqual(found.map(\.count), [298, 298])
        XCTAssertFalse(found.flatMap { $0.map(\.id) }.contains { $0 == "doc 5" || $0 == "doc 17" })

        result = try run(["index", "compact", "test.embq"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("removed 2 deleted rows"), result.standardError)
        result = try run(["index", "info", "test.embq"])
        XCTAssertTrue(result.standardOutput.contains("298 live, 0 deleted"), result.standardOutput)

        // Add the two rows back under new ids; they are found again.
        try FileManager.default.copyItem(at: directory.appendingPathComponent("queries.npy"), to: directory.appendingPathComponent("new.npy"))
        try write(["new 5", "new 17"], to: "new.txt")
        result = try run(["index", "add", "test.embq", "new.npy", "--ids", "new.txt"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["search", "test.embq", "--queries", "queries.npy", "-k", "1", "--rescore", "20", "--json"])
        XCTAssertEqual(try hits(result.standardOutput).map { $0.first?.id }, ["new 5", "new 17"])

        result = try run(["index", "verify", "test.embq"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasPrefix("ok: test.embq: 300 live documents"), result.standardOutput)
    }

    func testBadInputsFailWithClearMessages() throws {
        try write(["a", "b", "a"], to: "dup.txt")
        var result = try run(["index", "build", "corpus.npy", "--ids", "dup.txt", "--output", "x.embq"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("dup.txt: line 3: duplicate id 'a' (first on line 1)"), result.standardError)

        try Data([0x61, 0x0A, 0xFF, 0xFE, 0x0A]).write(to: directory.appendingPathComponent("bad.txt"))
        result = try run(["index", "build", "corpus.npy", "--ids", "bad.txt", "--output", "x.embq"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("bad.txt: the ids are not valid UTF-8"), result.standardError)

        try write(["a", "b"], to: "short.txt")
        result = try run(["index", "build", "corpus.npy", "--ids", "short.txt", "--output", "x.embq"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("short.txt has 2 ids but corpus.npy has 300 rows"), result.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.embq").path))

        result = try run(["index", "build", "corpus.npy", "--ids", "ids.txt", "--output", "test.embq"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["search", "test.embq", "--query-text", "hello"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("the index records no model"), result.standardError)
        result = try run(["index", "delete", "test.embq", "nobody"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("none of the 1 ids matched"), result.standardError)

        // A flipped byte in the rescoring codes: search still works, verify reports it.
        let url = directory.appendingPathComponent("test.embq")
        var bytes = try Data(contentsOf: url)
        bytes[bytes.count - 7] ^= 0x40
        try bytes.write(to: url)
        result = try run(["search", "test.embq", "--queries", "queries.npy", "-k", "2", "--rescore", "4"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["index", "verify", "test.embq"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.standardError.contains("test.embq: corrupt rescoring codes section"), result.standardError)

        // A flipped header byte: every command names the file and the damage.
        bytes[20] ^= 0x01
        try bytes.write(to: url)
        for arguments in [["search", "test.embq", "--queries", "queries.npy"], ["index", "info", "test.embq"]] {
            result = try run(arguments)
            XCTAssertEqual(result.status, 1, arguments.joined(separator: " "))
            XCTAssertTrue(result.standardError.contains("test.embq: corrupt index header"), result.standardError)
        }
    }

    func testQueryTextIsEncodedWithTheModelTheIndexRecords() throws {
        let model = try SharedData.file("models/all-MiniLM-L6-v2/config.json").deletingLastPathComponent()
        let texts = ["The cat sat on the mat.", "Quantum computers use qubits.", "Paris is the capital of France.",
                     "A recipe for chocolate cake.", "The stock market fell sharply today."]
        try write(texts.map { "{\"text\": \"\($0)\"}" }, to: "texts.jsonl")
        try write(["cat", "quantum", "paris", "cake", "stocks"], to: "text-ids.txt")
        var result = try run(["embed", "--model", model.path, "texts.jsonl", "--output", "texts.npy"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["index", "build", "texts.npy", "--ids", "text-ids.txt", "--model", model.path, "--output", "texts.embq"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["index", "info", "texts.embq", "--json"])
        let info = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        XCTAssertEqual(info["modelName"] as? String, model.path)
        result = try run(["search", "texts.embq", "--query-text", "what are qubits", "--query-text", "capital city of France",
                          "-k", "2", "--rescore", "5", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(try hits(result.standardOutput).map { $0.first?.id }, ["quantum", "paris"])
    }

    func testSearchOfANPYCorpusKeepsWorking() throws {
        let result = try run(["search", "corpus.npy", "--queries", "queries.npy", "--precision", "int8", "-k", "1", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardOutput.hasPrefix("{\"query\": 0, \"hits\": [{\"row\": 5, "), result.standardOutput)
        let missing = try run(["search", "corpus.npy", "--queries", "queries.npy"])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.standardError.contains("needs --queries Q.npy and --precision P"), missing.standardError)
    }
}
