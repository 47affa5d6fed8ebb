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

/// `embedq search CODES.npy --queries FLOATS.npy --precision P --asymmetric`, end to end.
final class AsymmetricSearchCommandTests: XCTestCase {
    var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-asym-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Codes written by `embedq quantize` and the float corpus quantized by `search` itself give
    /// the same output; each golden embedding finds itself first against its own int8 / int4
    /// codes (or second behind a near-duplicate such as rows 98/99); scores are best first.
    func testAsymmetricSearchOverCodesFiles() throws {
        let corpus = try SharedData.file("golden/quantize/minilm_calibrated/embeddings.npy").path
        var result = try CommandRunner.run(["calibrate", corpus, "-o", "ranges.npy"], in: directory)
        XCTAssertEqual(result.status, 0, result.standardError)
        for precision in ["int8", "uint8", "int4", "ternary", "binary", "ubinary"] {
            result = try CommandRunner.run(
                ["quantize", corpus, "-p", precision, "--ranges", "ranges.npy", "-o", "\(precision).npy"], in: directory)
            XCTAssertEqual(result.status, 0, "\(precision): \(result.standardError)")
            let common = ["--queries", corpus, "--precision", precision, "--ranges", "ranges.npy", "--asymmetric", "-k", "10", "--json"]
            let fromCodes = try CommandRunner.run(["search", "\(precision).npy"] + common, in: directory)
            XCTAssertEqual(fromCodes.status, 0, "\(precision): \(fromCodes.standardError)")
            let fromFloats = try CommandRunner.run(["search", corpus] + common, in: directory)
            XCTAssertEqual(fromFloats.status, 0, "\(precision): \(fromFloats.standardError)")
            XCTAssertEqual(fromCodes.standardOutput, fromFloats.standardOutput, precision)
            let parsed = try fromCodes.standardOutput.split(separator: "\n").map {
                try JSONDecoder().decode(SearchCommandTests.Line.self, from: Data($0.utf8))
            }
            XCTAssertEqual(parsed.count, 130, precision)
            for line in parsed {
                XCTAssertEqual(line.hits.count, 10)
                XCTAssertEqual(line.hits.map(\.score), line.hits.map(\.score).sorted(by: >), "\(precision): best first")
                if precision == "int8" || precision == "int4" {
                    // Itself first, or second behind a near-duplicate row (98/99, 92/93) scoring
                    // within 0.01 of it.
                    let own = line.hits.prefix(2).first { $0.row == line.query }
                    XCTAssertTrue(own.map { line.hits[0].row == line.query || line.hits[0].score - $0.score < 0.01 } ?? false,
                                  "\(precision) query \(line.query): \(line.hits.prefix(3))")
                }
            }
        }
        // Codes as queries, or int8 codes without ranges, fail clearly.
        result = try CommandRunner.run(["search", "int4.npy", "--queries", "int4.npy", "--precision", "int4",
                                        "--ranges", "ranges.npy", "--asymmetric"], in: directory)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("float queries"), result.standardError)
        result = try CommandRunner.run(["search", "int8.npy", "--queries", corpus, "--precision", "int8", "--asymmetric"], in: directory)
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("ranges"), result.standardError)
    }
}
