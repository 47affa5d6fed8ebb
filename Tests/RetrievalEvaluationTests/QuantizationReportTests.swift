import Foundation
import XCTest
@testable import RetrievalEvaluation

final class QuantizationReportTests: XCTestCase {
    private func result(_ name: String, ndcg: Double = 0.5, bytes: Double = 384, milliseconds: Double = 1) -> QuantizationResult {
        QuantizationResult(
            name: name, ndcgAt10: ndcg, recallAt10: 0.6, recallAt100: 0.9, mrrAt10: 0.45, bytesPerVector: bytes,
            millisecondsPerQuery: milliseconds)
    }

    func testDerivedColumnsAreRelativeToTheBaseline() throws {
        let report = try QuantizationReport(
            dataset: "d", model: "m",
            results: [result("float32", ndcg: 0.64, bytes: 1536, milliseconds: 2), result("binary", ndcg: 0.576, bytes: 48, milliseconds: 0.25)])
        let binary = report.results[1]
        XCTAssertEqual(report.retentionPercent(of: binary)!, 90, accuracy: 1e-12)
        XCTAssertEqual(report.compression(of: binary), 32)
        XCTAssertEqual(report.speedUp(of: binary), 8)
        XCTAssertEqual(report.retentionPercent(of: report.baseline), 100)
        XCTAssertEqual(ReportTable(report).rows[1], ["binary", "57.60", "60.00", "90.00", "45.00", "90.00", "48", "32.0×", "0.250", "8.00×"])
    }

    func testUndefinedRatiosShowAsDash() throws {
        let report = try QuantizationReport(
            dataset: "d", model: "m", results: [result("float32", ndcg: 0, milliseconds: 0), result("int8")])
        XCTAssertNil(report.retentionPercent(of: report.results[1]))
        XCTAssertNil(report.speedUp(of: report.results[1]))
        XCTAssertEqual(ReportTable(report).rows[1][5], "–")
        XCTAssertEqual(ReportTable(report).rows[1][9], "–")
    }

    func testRejectsInvalidReports() {
        func assertRejects(_ results: [QuantizationResult], _ expected: ReportError, line: UInt = #line) {
            XCTAssertThrowsError(try QuantizationReport(dataset: "d", model: "m", results: results), line: line) {
                XCTAssertEqual($0 as? ReportError, expected, line: line)
            }
        }
        assertRejects([], .noResults)
        assertRejects([result("int8")], .missingBaseline(name: "float32"))
        assertRejects([result("float32"), result("float32")], .duplicateName("float32"))
        assertRejects([result("float32", ndcg: 64.5)], .invalidValue(row: "float32", field: "ndcg@10", value: 64.5))
        assertRejects([result("float32", bytes: 0)], .invalidValue(row: "float32", field: "bytes_per_vector", value: 0))
        assertRejects([result("float32", milliseconds: -1)], .invalidValue(row: "float32", field: "ms_per_query", value: -1))
        XCTAssertThrowsError(try QuantizationReport(dataset: "d", model: "m", results: [result("float32", ndcg: .nan)])) {
            XCTAssertTrue("\($0)".contains("ndcg@10"))
        }
    }

    func testResultFromMetricSummary() throws {
        let summary = MetricSummary(
            metrics: RankingMetric.reportMetrics, queryIDs: ["q"],
            perQuery: ["q": [.ndcg(at: 10): 0.5, .recall(at: 10): 0.75, .recall(at: 100): 1, .mrr(at: 10): 0.25]])
        let row = try QuantizationResult(name: "int8", summary: summary, bytesPerVector: 384, millisecondsPerQuery: 1)
        XCTAssertEqual([row.ndcgAt10, row.recallAt10, row.recallAt100, row.mrrAt10], [0.5, 0.75, 1, 0.25])
        let partial = MetricSummary(metrics: [.ndcg(at: 10)], queryIDs: ["q"], perQuery: ["q": [.ndcg(at: 10): 1]])
        XCTAssertThrowsError(try QuantizationResult(name: "x", summary: partial, bytesPerVector: 1, millisecondsPerQuery: 1)) {
            XCTAssertEqual($0 as? ReportError, .missingMetric(row: "x", metric: .recall(at: 10)))
        }
    }

    func testMarkdownTable() throws {
        let report = try QuantizationReport(
            dataset: "scifact", model: "all-MiniLM-L6-v2",
            results: [result("float32", ndcg: 0.6451, bytes: 1536, milliseconds: 2), result("a|b\nc", ndcg: 0.6, bytes: 48, milliseconds: 0.1)])
        let lines = report.markdown().split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertTrue(lines[0].contains("scifact") && lines[0].contains("all-MiniLM-L6-v2"))
        XCTAssertEqual(lines[2], "| Precision | NDCG@10 | Recall@10 | Recall@100 | MRR@10 | Retention % | Bytes/vector | Compression | ms/query | Speed-up |")
        XCTAssertEqual(lines[3], "|:---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        XCTAssertEqual(lines[4], "| float32 | 64.51 | 60.00 | 90.00 | 45.00 | 100.00 | 1536 | 1.00× | 2.00 | 1.00× |")
        XCTAssertEqual(lines[5], "| a\\|b c | 60.00 | 60.00 | 90.00 | 45.00 | 93.01 | 48 | 32.0× | 0.100 | 20.0× |")
        XCTAssertEqual(lines.count, 7, "heading, blank, header, separator, two rows, final newline")
        for row in lines[2...5] {
            XCTAssertEqual(row.filter { $0 == "|" }.count - row.components(separatedBy: "\\|").count + 1, 11)
        }
    }

    func testJSONHasTheExactShapeAndKeyOrder() throws {
        let report = try QuantizationReport(
            dataset: "sci\"fact", model: "m\\1\n\u{1}",
            results: [result("float32", ndcg: 0.6451, bytes: 1536, milliseconds: 2.5), result("int8 \"sym\"", ndcg: 0.62641, bytes: 384, milliseconds: 0.00001)])
        let text = report.json()
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        XCTAssertEqual(Set(object.keys), ["dataset", "model", "results"])
        XCTAssertEqual(object["dataset"] as? String, "sci\"fact")
        XCTAssertEqual(object["model"] as? String, "m\\1\n\u{1}")
        let rows = try XCTUnwrap(object["results"] as? [[String: Any]])
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(Set(rows[0].keys), ["name", "ndcg@10", "recall@10", "recall@100", "mrr@10", "bytes_per_vector", "ms_per_query"])
        XCTAssertEqual(rows[1]["name"] as? String, "int8 \"sym\"")
        XCTAssertEqual((rows[1]["ndcg@10"] as? NSNumber)?.doubleValue, 0.62641)
        XCTAssertEqual((rows[1]["ms_per_query"] as? NSNumber)?.doubleValue, 0.00001)
        XCTAssertEqual((rows[0]["bytes_per_vector"] as? NSNumber)?.intValue, 1536)
        // Key order, and integral numbers without a decimal point.
        let keys = ["\"dataset\"", "\"model\"", "\"results\"", "\"name\"", "\"ndcg@10\"", "\"recall@10\"", "\"recall@100\"",
                    "\"mrr@10\"", "\"bytes_per_vector\"", "\"ms_per_query\""]
        let offsets = keys.map { text.range(of: $0)!.lowerBound }
        XCTAssertEqual(offsets, offsets.sorted())
        XCTAssertTrue(text.contains("\"bytes_per_vector\": 1536,"))
        XCTAssertTrue(text.contains("\"ndcg@10\": 0.6451,"))
        XCTAssertTrue(text.contains("\\u0001"))
    }

    func testHTMLIsSelfContainedAndEscaped() throws {
        let hostile = "<b>x</b> & \"q\""
        var results = ReportExample.results
        results.append(result(hostile, ndcg: 0.3, bytes: 24, milliseconds: 0.05))
        let report = try QuantizationReport(dataset: "sci<fact>", model: "m&m", results: results)
        let html = report.html()
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertTrue(html.hasSuffix("</html>\n"))
        XCTAssertFalse(html.contains("<b>"), "names must be escaped")
        XCTAssertTrue(html.contains("&lt;b&gt;x&lt;/b&gt; &amp; &quot;q&quot;"))
        XCTAssertTrue(html.contains("sci&lt;fact&gt;") && html.contains("m&amp;m"))
        for external in ["<script", "<link", "<img", "src=", "href=", "url(", "@import", "https:"] {
            XCTAssertFalse(html.contains(external), "external reference \(external)")
        }
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 2)
        XCTAssertEqual(html.components(separatedBy: "<tr").count - 1, results.count + 1)
        XCTAssertEqual(html.components(separatedBy: "<circle").count - 1, 2 * results.count, "one point per row per chart")
        XCTAssertEqual(html.components(separatedBy: "<tr class=\"baseline\">").count - 1, 1)
        for name in ["binary → int8 rescore ×10", "ternary × ternary", "float32"] {
            XCTAssertGreaterThanOrEqual(html.components(separatedBy: ">\(name)</text>").count - 1, 2, name)
        }
        XCTAssertTrue(html.contains("Bytes per vector (log scale)"))
        XCTAssertTrue(html.contains("Milliseconds per query (log scale)"), "0.05...2.6 ms spans more than 8×")
    }

    /// Writes the example report where `EMBEDQ_EXAMPLE_REPORT` points (for
    /// `scripts/render-report.sh`), after checking it.
    func testExampleReport() throws {
        let html = ReportExample.report.html()
        XCTAssertEqual(html.components(separatedBy: "<circle").count - 1, 2 * ReportExample.results.count)
        if let path = ProcessInfo.processInfo.environment["EMBEDQ_EXAMPLE_REPORT"], !path.isEmpty {
            try Data(html.utf8).write(to: URL(fileURLWithPath: path))
        }
    }
}
