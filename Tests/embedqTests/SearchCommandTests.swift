import Foundation
import XCTest

/// `embedq search` over .npy files, end to end through the built binary.
final class SearchCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    func goldenEmbeddings() throws -> String {
        try SharedData.file("golden/quantize/minilm_calibrated/embeddings.npy").path
    }

    struct Line: Decodable {
        struct Hit: Decodable { var row: Int; var score: Double }
        var query: Int
        var hits: [Hit]
    }

    func lines(_ text: String) throws -> [Line] {
        try text.split(separator: "\n").map { try JSONDecoder().decode(Line.self, from: Data($0.utf8)) }
    }

    /// Each golden embedding searched against the corpus it belongs to finds itself first, for
    /// float32, int8 (with the corpus ranges; symmetric raw codes may swap a near-duplicate pair)
    /// and bits; rescoring keeps it first.
    func testEveryRowFindsItselfFirstInEveryPrecision() throws {
        let corpus = try goldenEmbeddings()
        var result = try CommandRunner.run(["calibrate", corpus, "-o", "ranges.npy"], in: directory)
        XCTAssertEqual(result.status, 0, result.standardError)
        let runs: [[String]] = [
            ["--precision", "float32"],
            ["--precision", "int8", "--ranges", "ranges.npy"],
            ["--precision", "ubinary"],
            ["--precision", "ubinary", "--rescore", "4", "--rescore-with", "float32"],
            ["--precision", "binary", "--rescore", "10", "--rescore-with", "int8", "--ranges", "ranges.npy"],
        ]
        for options in runs {
            result = try CommandRunner.run(["search", corpus, "--queries", corpus, "-k", "5", "--json"] + options, in: directory)
            XCTAssertEqual(result.status, 0, "\(options): \(result.standardError)")
            let parsed = try lines(result.standardOutput)
            XCTAssertEqual(parsed.count, 130, "\(options)")
            // Rows 98 and 99 are near-duplicates (cosine 0.997): raw int8 codes may rank either first.
            let nearDuplicates: Set<Int> = [98, 99]
            for line in parsed {
                XCTAssertEqual(line.hits.count, 5)
                if options.contains("int8"), !options.contains("--rescore"), nearDuplicates.contains(line.query) {
                    XCTAssertTrue(nearDuplicates.contains(line.hits[0].row), "\(options) query \(line.query)")
                    XCTAssertTrue(line.hits.prefix(2).contains { $0.row == line.query })
                } else {
                    XCTAssertEqual(line.hits[0].row, line.query, "\(options) query \(line.query)")
                }
            }
            let higherIsBetter = !(options.contains("ubinary") || options.contains("binary")) || options.contains("--rescore")
            for line in parsed {
                let scores = line.hits.map(\.score)
                XCTAssertEqual(scores, higherIsBetter ? scores.sorted(by: >) : scores.sorted(), "\(options): best first")
            }
        }
    }

    func testKLargerThanTheCorpusReturnsTheWholeCorpus() throws {
        let corpus = try goldenEmbeddings()
        let result = try CommandRunner.run(["search", corpus, "--queries", corpus, "--precision", "float32", "-k", "1000", "--json"], in: directory)
        XCTAssertEqual(result.status, 0, result.standardError)
        let first = try XCTUnwrap(try lines(result.standardOutput).first)
        XCTAssertEqual(first.hits.count, 130)
        XCTAssertEqual(Set(first.hits.map(\.row)).count, 130)
    }

    func testBadSearchesFailClearly() throws {
        let corpus = try goldenEmbeddings()
        let other = try SharedData.file("golden/quantize/odd_dim_13_zero_range/embeddings.npy").path
        let cases: [([String], String)] = [
            (["search", corpus, "--queries", other, "--precision", "float32"], "13"),
            (["search", corpus, "--queries", corpus, "--precision", "float32", "-k", "0"], "k"),
            (["search", corpus, "--queries", corpus, "--precision", "int3"], "int3"),
            (["search", "missing.npy", "--queries", corpus, "--precision", "float32"], "missing.npy"),
        ]
        for (arguments, message) in cases {
            let result = try CommandRunner.run(arguments, in: directory)
            XCTAssertNotEqual(result.status, 0, arguments.joined(separator: " "))
            XCTAssertTrue(result.standardError.contains(message), "\(arguments): \(result.standardError)")
        }
    }
}
