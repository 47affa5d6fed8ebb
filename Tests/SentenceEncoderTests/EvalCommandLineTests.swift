import Foundation
import XCTest
@testable import SentenceEncoder

/// `embedq eval`'s options, end to end on the tiny model and a five-document BEIR folder (the
/// metrics themselves are tested in RetrievalEvaluationTests and QuantizationEvaluationTests):
/// `--split` picks the qrels file, `--no-cache` neither reads nor writes the cache, `--weights`
/// evaluates a quantized encoder under cache keys of its own, `--ternary-alphas` adds the sweep.
final class EvalCommandLineTests: XCTestCase {
    private var folder: URL!
    private var model: URL { folder.appendingPathComponent("model") }
    private var dataset: URL { folder.appendingPathComponent("beir") }

    override func setUpWithError() throws {
        folder = try temporaryFolder(for: self)
        try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
        try TinyModel().write(to: model)
        try FileManager.default.createDirectory(at: dataset.appendingPathComponent("qrels"), withIntermediateDirectories: true)
        let documents = ["the cat sat on the mat.", "a big red dog", "cats, dogs!", "the dog sat.", "running cats"]
        try documents.enumerated().map { "{\"_id\": \"d\($0)\", \"title\": \"\", \"text\": \"\($1)\"}" }.joined(separator: "\n")
            .write(to: dataset.appendingPathComponent("corpus.jsonl"), atomically: true, encoding: .utf8)
        try ["{\"_id\": \"q1\", \"text\": \"a cat\"}", "{\"_id\": \"q2\", \"text\": \"red dog\"}", "{\"_id\": \"q3\", \"text\": \"running\"}"]
            .joined(separator: "\n").write(to: dataset.appendingPathComponent("queries.jsonl"), atomically: true, encoding: .utf8)
        try "query-id\tcorpus-id\tscore\nq1\td0\t1\nq2\td1\t1\n"
            .write(to: dataset.appendingPathComponent("qrels/test.tsv"), atomically: true, encoding: .utf8)
        try "query-id\tcorpus-id\tscore\nq3\td4\t1\n"
            .write(to: dataset.appendingPathComponent("qrels/dev.tsv"), atomically: true, encoding: .utf8)
    }

    private func eval(_ extra: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = try BuiltProducts.executable("embedq")
        process.arguments = ["eval", "--model", model.path, "--dataset", dataset.path, "--quiet"] + extra
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    /// Name, NDCG@10 and Recall@100 of each row of a JSON report (timings left out).
    private func metrics(_ json: String) throws -> [String] {
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let rows = try XCTUnwrap(object["results"] as? [[String: Any]])
        return rows.map { "\($0["name"] ?? "") \($0["ndcg@10"] ?? "") \($0["recall@100"] ?? "")" }
    }

    private func cacheFiles(_ cache: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: cache.path)) ?? []).filter { $0.hasSuffix(".npy") }.sorted()
    }

    func testSplitPicksTheQrelsFile() throws {
        let cache = folder.appendingPathComponent("cache")
        let dev = try eval(["--split", "dev", "--json", "--cache-directory", cache.path])
        XCTAssertEqual(dev.status, 0, dev.stderr)
        XCTAssertTrue(dev.stderr.contains("(dev): 5 documents, 1 judged queries"), dev.stderr)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(dev.stdout.utf8)) as? [String: Any])
        XCTAssertEqual((object["results"] as? [Any])?.count, 20)  // 14 standard rows + 6 RaBitQ rows
        let test = try eval(["--json", "--cache-directory", cache.path])
        XCTAssertEqual(test.status, 0, test.stderr)
        XCTAssertTrue(test.stderr.contains("(test): 5 documents, 2 judged queries"), test.stderr)
        let missing = try eval(["--split", "train", "--cache-directory", cache.path])
        XCTAssertNotEqual(missing.status, 0)
        XCTAssertTrue(missing.stderr.contains("train.tsv"), missing.stderr)
        XCTAssertTrue(missing.stdout.isEmpty)
    }

    func testNoCacheNeitherReadsNorWrites() throws {
        let cache = folder.appendingPathComponent("cache")
        let first = try eval(["--json", "--cache-directory", cache.path])
        XCTAssertEqual(first.status, 0, first.stderr)
        XCTAssertEqual(cacheFiles(cache).count, 2, "corpus and queries stored")
        let cached = try eval(["--json", "--cache-directory", cache.path])
        XCTAssertTrue(cached.stderr.contains("read from the cache"), cached.stderr)
        // --no-cache encodes although the cache holds both matrices, and writes nothing.
        let before = try cacheFiles(cache).map { try Data(contentsOf: cache.appendingPathComponent($0)) }
        let uncached = try eval(["--json", "--no-cache", "--cache-directory", cache.path])
        XCTAssertEqual(uncached.status, 0, uncached.stderr)
        XCTAssertFalse(uncached.stderr.contains("read from the cache"), uncached.stderr)
        XCTAssertTrue(uncached.stderr.contains("encoded in"), uncached.stderr)
        XCTAssertEqual(try cacheFiles(cache).map { try Data(contentsOf: cache.appendingPathComponent($0)) }, before)
        let elsewhere = folder.appendingPathComponent("never")
        XCTAssertEqual(try eval(["--no-cache", "--cache-directory", elsewhere.path]).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: elsewhere.path))
        XCTAssertEqual(try metrics(uncached.stdout), try metrics(cached.stdout), "the same matrix, encoded or read")
    }

    func testWeightsEvaluateAQuantizedEncoderUnderItsOwnKeys() throws {
        let cache = folder.appendingPathComponent("cache")
        XCTAssertEqual(try eval(["--json", "--cache-directory", cache.path]).status, 0)
        let int8 = try eval(["--json", "--weights", "int8", "--cache-directory", cache.path])
        XCTAssertEqual(int8.status, 0, int8.stderr)
        XCTAssertFalse(int8.stderr.contains("read from the cache"), "the fp32 vectors were reused for int8: \(int8.stderr)")
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(int8.stdout.utf8)) as? [String: Any])
        XCTAssertTrue((object["model"] as? String)?.hasSuffix("(int8 weights)") ?? false, "\(object["model"] ?? "")")
        XCTAssertEqual(cacheFiles(cache).count, 4, "fp32 and int8 matrices side by side")
        let again = try eval(["--json", "--weights", "int8", "--cache-directory", cache.path])
        XCTAssertTrue(again.stderr.contains("read from the cache"), again.stderr)
        XCTAssertEqual(try metrics(again.stdout), try metrics(int8.stdout))
        let bad = try eval(["--weights", "int4"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("--weights"), bad.stderr)
    }

    func testTernaryAlphasAddTheSweep() throws {
        let cache = folder.appendingPathComponent("cache")
        let result = try eval(["--ternary-alphas", "0.5, 1.0", "--cache-directory", cache.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stdout.contains("| ternary α | ternary × ternary NDCG@10 | float × ternary NDCG@10 |"), result.stdout)
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("| 0.50 |") || $0.hasPrefix("| 1.00 |") }
        XCTAssertEqual(rows.count, 2, result.stdout)
        // With --json the sweep goes to standard error; standard output stays one JSON object.
        let json = try eval(["--ternary-alphas", "0.7", "--json", "--cache-directory", cache.path])
        XCTAssertEqual(json.status, 0, json.stderr)
        XCTAssertNotNil(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        XCTAssertTrue(json.stderr.contains("| 0.70 |"), json.stderr)
        for bad in ["-1", "x", "0.5,,1"] {
            let refused = try eval(["--ternary-alphas", bad, "--cache-directory", cache.path])
            XCTAssertNotEqual(refused.status, 0, bad)
            XCTAssertTrue(refused.stderr.contains("--ternary-alphas"), "\(bad): \(refused.stderr)")
        }
    }
}
