import Foundation
import XCTest
@testable import RetrievalEvaluation

final class BEIRDatasetTests: XCTestCase {
    func testLoadsRealSciFact() throws {
        let folder = try SharedData.file("datasets/scifact")
        let dataset = try BEIRDataset.load(from: folder)
        XCTAssertEqual(dataset.name, "scifact")
        XCTAssertEqual(dataset.documents.count, 5_183)
        XCTAssertEqual(dataset.queries.count, 1_109)
        XCTAssertEqual(dataset.evaluationQueries.count, 300)
        XCTAssertEqual(dataset.judgments.queryCount, 300)
        XCTAssertEqual(dataset.judgments.judgmentCount, 339)
        XCTAssertEqual(Set(dataset.documents.map(\.id)).count, 5_183)
        // The first qrels line after the header is "1 <TAB> 31715818 <TAB> 1".
        XCTAssertEqual(dataset.evaluationQueries.first?.id, "1")
        XCTAssertEqual(dataset.judgments["1"], ["31715818": 1])
        let first = try XCTUnwrap(dataset.documents.first)
        XCTAssertEqual(first.id, "4983")
        XCTAssertTrue(first.contents.hasPrefix("Microstructural development of human newborn cerebral white matter"))
        XCTAssertEqual(first.contents, first.title + " " + first.text)
    }

    func testAcceptsNumericIdentifiersCRLFBlankLinesAndByteOrderMark() throws {
        let folder = try TestSupport.temporaryFolder(for: self)
        try TestSupport.writeDataset(
            in: folder,
            corpus: "{\"_id\": 7, \"title\": \"Title\", \"text\": \"Body.\"}\r\n"
                + "{\"_id\": \"d2\", \"text\": \"  no title  \"}\r\n"
                + "{\"_id\": \"d3\", \"title\": \"\", \"text\": \"\\u001f\\u00a0padded\\n\"}\r\n\r\n\n",
            queries: "\u{FEFF}{\"_id\": 1, \"text\": \"first\"}\n{\"_id\": \"q2\", \"text\": \"second\"}\n\n",
            qrels: "query-id\tcorpus-id\tscore\r\nq2\td2\t2\r\n1\t7\t1\r\n1\td3\t0\r\n\r\n")
        let dataset = try BEIRDataset.load(from: folder)
        XCTAssertEqual(dataset.documents.map(\.id), ["7", "d2", "d3"])
        XCTAssertEqual(dataset.documents.map(\.contents), ["Title Body.", "no title", "padded"])
        XCTAssertEqual(dataset.queries.map(\.id), ["1", "q2"])
        XCTAssertEqual(dataset.evaluationQueries.map(\.id), ["q2", "1"], "qrels order")
        XCTAssertEqual(dataset.judgments["1"], ["7": 1, "d3": 0])
        XCTAssertEqual(dataset.judgments.relevantDocumentCount(for: "1"), 1)
    }

    func testQueriesWithoutJudgmentsAreNotEvaluated() throws {
        let folder = try TestSupport.temporaryFolder(for: self)
        try TestSupport.writeDataset(
            in: folder, corpus: "{\"_id\": \"d\", \"text\": \"x\"}",
            queries: "{\"_id\": \"a\", \"text\": \"x\"}\n{\"_id\": \"b\", \"text\": \"y\"}",
            qrels: "q\tc\ts\nb\td\t1\n")
        let dataset = try BEIRDataset.load(from: folder)
        XCTAssertEqual(dataset.queries.count, 2)
        XCTAssertEqual(dataset.evaluationQueries.map(\.id), ["b"])
    }

    func testQrelsWithoutHeaderOrWithByteOrderMarkKeepTheirFirstJudgmentAndLaterGradesWin() throws {
        let folder = try TestSupport.temporaryFolder(for: self)
        let url = folder.appendingPathComponent("plain.tsv")
        try Data("\u{FEFF}q1\td1\t1\nq1\td1\t3\nq2\td9\t-1\n".utf8).write(to: url)
        let judgments = try QrelsParser.parse(contentsOf: url)
        XCTAssertEqual(judgments.queryIDs, ["q1", "q2"])
        XCTAssertEqual(judgments["q1"], ["d1": 3])
        XCTAssertEqual(judgments.relevantDocumentCount(for: "q2"), 0)
    }

    func testMissingFilesAreNamed() throws {
        let folder = try TestSupport.temporaryFolder(for: self)
        try TestSupport.writeDataset(in: folder, corpus: "{\"_id\": \"d\", \"text\": \"x\"}", queries: nil, qrels: "h\th\th\n")
        assertLoadFails(folder, .missingFile(path: folder.appendingPathComponent("queries.jsonl").path))
        assertLoadFails(folder, split: "dev", .missingFile(path: folder.appendingPathComponent("qrels/dev.tsv").path))
    }

    func testMalformedRecordsAreReportedWithFileAndLine() throws {
        let folder = try TestSupport.temporaryFolder(for: self)
        let queries = "{\"_id\": \"a\", \"text\": \"x\"}\n"
        let corpusPath = folder.appendingPathComponent("corpus.jsonl").path
        let qrelsPath = folder.appendingPathComponent("qrels/test.tsv").path

        try TestSupport.writeDataset(
            in: folder, corpus: "{\"_id\": \"d\", \"text\": \"x\"}\n\n{\"_id\": \"e\", \"text\": \"x\"", queries: queries,
            qrels: "h\th\th\na\td\t1\n")
        assertLoadFails(folder, .malformedJSON(path: corpusPath, line: 3, reason: "not a valid JSON object"))

        try TestSupport.writeDataset(in: folder, corpus: "{\"_id\": \"d\", \"title\": \"t\"}\n", queries: queries, qrels: nil)
        assertLoadFails(folder, .malformedJSON(path: corpusPath, line: 1, reason: "missing field 'text'"))

        try TestSupport.writeDataset(in: folder, corpus: "{\"_id\": true, \"text\": \"x\"}\n", queries: queries, qrels: nil)
        assertLoadFails(folder) { error in
            guard case .malformedJSON(corpusPath, 1, let reason) = error else { return false }
            return reason.contains("_id")
        }

        try TestSupport.writeDataset(
            in: folder, corpus: "{\"_id\": 5, \"text\": \"x\"}\n{\"_id\": \"5\", \"text\": \"y\"}\n", queries: queries, qrels: nil)
        assertLoadFails(folder, .duplicateIdentifier(path: corpusPath, line: 2, identifier: "5"))

        try TestSupport.writeDataset(in: folder, corpus: "{\"_id\": \"d\", \"text\": \"x\"}\n", queries: queries, qrels: "h\th\th\na\td\n")
        assertLoadFails(folder) { error in
            guard case .malformedQrels(qrelsPath, 2, let reason) = error else { return false }
            return reason.contains("found 2")
        }

        try TestSupport.writeDataset(in: folder, corpus: nil, queries: queries, qrels: "h\th\th\na\td\t1\na\te\thigh\n")
        assertLoadFails(folder, .malformedQrels(path: qrelsPath, line: 3, reason: "score 'high' is not an integer"))

        try TestSupport.writeDataset(in: folder, corpus: nil, queries: queries, qrels: "h\th\th\na\td\t1\n\nzz\td\t1\n")
        assertLoadFails(folder, .unknownQuery(path: qrelsPath, line: 4, queryID: "zz"))
    }

    func testErrorDescriptionsNameFileAndLine() {
        let error = DatasetError.malformedQrels(path: "/x/qrels/test.tsv", line: 12, reason: "bad")
        XCTAssertEqual(error.description, "/x/qrels/test.tsv:12: malformed qrels line: bad")
        XCTAssertTrue(DatasetError.missingFile(path: "/x/corpus.jsonl").description.contains("/x/corpus.jsonl"))
    }

    func testContentsStripLikePython() {
        XCTAssertEqual(CorpusDocument(id: "a", title: "", text: " \t body \u{2003}").contents, "body")
        XCTAssertEqual(CorpusDocument(id: "a", title: "T", text: "").contents, "T")
        XCTAssertEqual(CorpusDocument(id: "a", title: "\u{1C}T", text: "b\u{200B}").contents, "T b\u{200B}",
                       "U+001C is Python whitespace; U+200B (zero-width space) is not")
    }

    private func assertLoadFails(
        _ folder: URL, split: String = "test", _ expected: DatasetError, line: UInt = #line
    ) {
        assertLoadFails(folder, split: split, line: line) { $0 == expected }
    }

    private func assertLoadFails(
        _ folder: URL, split: String = "test", line: UInt = #line, _ matches: (DatasetError) -> Bool
    ) {
        do {
            let dataset = try BEIRDataset.load(from: folder, split: split)
            XCTFail("loaded \(dataset.documents.count) documents instead of failing", line: line)
        } catch {
            XCTAssertTrue(matches(error), "unexpected error: \(error)", line: line)
        }
    }
}
