import Foundation
import XCTest

/// `embedq eval` on a tiny BEIR folder, and `embedq demo` on the shipped sample, run end to end.
final class EvalAndDemoCommandTests: XCTestCase {
    private var model: URL { CommandRunner.sharedFolder.appendingPathComponent("models/all-MiniLM-L6-v2") }
    private var repositoryRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    private func requireModel() throws {
        _ = try SharedData.file("models/all-MiniLM-L6-v2/config.json")
    }

    func testEvalPrintsTheMatrixAsJSONWritesTheReportAndCachesEmbeddings() throws {
        try requireModel()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-eval-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("qrels"), withIntermediateDirectories: true)
        let documents = [
            ("d1", "Vitamin D", "Vitamin D supplements and bone density in older adults."),
            ("d2", "", "Statins lower LDL cholesterol."),
            ("d3", "Sleep", "Short sleep is linked to weight gain."),
            ("d4", "", "Aspirin reduces the risk of heart attack."),
            ("d5", "Coffee", "Coffee drinking and liver health."),
        ]
        let corpus = try documents.map { id, title, text in
            String(decoding: try JSONSerialization.data(withJSONObject: ["_id": id, "title": title, "text": text]), as: UTF8.self)
        }
        try corpus.joined(separator: "\n").write(to: folder.appendingPathComponent("corpus.jsonl"), atomically: true, encoding: .utf8)
        try """
            {"_id": "q1", "text": "Does vitamin D help bones?"}
            {"_id": "q2", "text": "What lowers cholesterol?"}
            """.write(to: folder.appendingPathComponent("queries.jsonl"), atomically: true, encoding: .utf8)
        try "query-id\tcorpus-id\tscore\nq1\td1\t1\nq2\td2\t1\n"
            .write(to: folder.appendingPathComponent("qrels/test.tsv"), atomically: true, encoding: .utf8)
        let arguments = [
            "eval", "--model", model.path, "--dataset", folder.path, "--json",
            "--cache-directory", folder.appendingPathComponent("cache").path,
            "--report", folder.appendingPathComponent("report.html").path,
        ]
        let first = try CommandRunner.run(arguments, in: folder)
        XCTAssertEqual(first.status, 0, first.standardError)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.standardOutput.utf8)) as? [String: Any])
        let results = try XCTUnwrap(object["results"] as? [[String: Any]])
        XCTAssertEqual(results.count, 20)  // 14 standard rows + 6 RaBitQ rows
        XCTAssertEqual(results.first?["name"] as? String, "float32")
        XCTAssertEqual(results.first?["ndcg@10"] as? Double, 1.0)  // each query's one relevant document ranks first
        let html = try String(contentsOf: folder.appendingPathComponent("report.html"), encoding: .utf8)
        XCTAssertTrue(html.contains("<svg"))
        XCTAssertFalse(html.contains("http://") && html.contains("<script src"))

        let second = try CommandRunner.run(arguments, in: folder)
        XCTAssertEqual(second.status, 0, second.standardError)
        XCTAssertTrue(second.standardError.contains("read from the cache"), second.standardError)
        let again = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(second.standardOutput.utf8)) as? [String: Any])
        let metrics = { (rows: [[String: Any]]) in rows.map { "\($0["name"] ?? "") \($0["ndcg@10"] ?? "") \($0["recall@100"] ?? "")" } }
        XCTAssertEqual(metrics(try XCTUnwrap(again["results"] as? [[String: Any]])), metrics(results))
    }

    func testEvalFailsClearlyWithoutADataset() throws {
        let result = try CommandRunner.run(["eval", "--dataset", "/nonexistent/beir"], in: repositoryRoot)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("Error"), result.standardError)
        XCTAssertTrue(result.standardOutput.isEmpty)
    }

    func testDemoEncodesTheSampleAndOpensWithTheClassicExample() throws {
        try requireModel()
        let result = try CommandRunner.run(["demo", "--model", model.path], in: repositoryRoot)
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("encoded 141 texts"), result.standardError)
        for line in [
            "float32 (4, 384) 6144 bytes", "int8 (4, 384) 1536 bytes", "top match, int8:    A man is eating food.",
            "| binary → int8 ×4 |",
        ] {
            XCTAssertTrue(result.standardOutput.contains(line), "missing \(line)")
        }
    }
}
