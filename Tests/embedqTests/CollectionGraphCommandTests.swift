import Foundation
import XCTest

/// `embedq collection create … --index hnsw`, `collection search … --ef / --exact` and
/// `collection info` of a graph collection, through the built executable.
final class CollectionGraphCommandTests: XCTestCase {
    var directory: URL!
    let rows = 300, dimension = 32

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-collection-graph-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var state: UInt64 = 11
        let values = (0..<(rows * dimension)).map { _ -> Float in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Float(Int64(state >> 33) % 2001 - 1000) / 1000
        }
        try writeNPY(values, rows: rows, to: "corpus.npy")
        try writeNPY(Array(values[(5 * dimension)..<(9 * dimension)]), rows: 4, to: "queries.npy")
        try write((0..<rows).map { "p\($0)" }, to: "ids.txt")
        try write((0..<rows).map { "{\"group\": \($0 % 4)}" }, to: "payloads.jsonl")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    private func writeNPY(_ values: [Float], rows: Int, to name: String) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(dimension)), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)])
        data += Data(header.utf8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += Data($0) } }
        try data.write(to: directory.appendingPathComponent(name))
    }

    private func write(_ lines: [String], to name: String) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent(name))
    }

    private func run(_ arguments: [String]) throws -> CommandRunner.Result {
        try CommandRunner.run(arguments, in: directory)
    }

    private func jsonLines(_ output: String) throws -> [[String: Any]] {
        try output.split(separator: "\n").map { try XCTUnwrap(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
    }

    /// The hits' ids per query line.
    private func ids(_ output: String) throws -> [[String]] {
        try jsonLines(output).map { line in try XCTUnwrap(line["hits"] as? [[String: Any]]).map { $0["id"] as? String ?? "?" } }
    }

    func testGraphCollectionCreateSearchInfoThroughFlushAndMerge() throws {
        var result = try run([
            "collection", "create", "g", "--dimension", "32", "--precision", "binary", "--rescore", "int8", "--calibration-rows", "50",
            "--index", "hnsw", "--m", "8", "--ef-construction", "64", "--seed", "5",
        ])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertTrue(result.standardError.contains("HNSW graphs (M 8, ef_construction 64, seed 5)"), result.standardError)
        result = try run(["collection", "add", "g", "--vectors", "corpus.npy", "--ids", "ids.txt", "--payloads", "payloads.jsonl"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "flush", "g"])
        XCTAssertEqual(result.status, 0, result.standardError)

        // An ef covering every row answers as the exact scan; the query's own point comes first.
        for extra in [[], ["--rescore", "4"], ["--filter", "{\"must\": [{\"key\": \"group\", \"match\": {\"value\": 1}}]}"]] {
            let exact = try run(["collection", "search", "g", "--queries", "queries.npy", "-k", "5", "--exact", "--json"] + extra)
            XCTAssertEqual(exact.status, 0, exact.standardError)
            let wide = try run(["collection", "search", "g", "--queries", "queries.npy", "-k", "5", "--ef", "1000", "--json"] + extra)
            XCTAssertEqual(wide.status, 0, wide.standardError)
            XCTAssertEqual(wide.standardOutput, exact.standardOutput, "\(extra)")
        }
        result = try run(["collection", "search", "g", "--queries", "queries.npy", "-k", "1", "--rescore", "10", "--ef", "64", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        XCTAssertEqual(try ids(result.standardOutput), [["p5"], ["p6"], ["p7"], ["p8"]])

        // Deleted points are not returned after a merge rebuilds the graph.
        result = try run(["collection", "delete", "g", "p5", "p6"])
        XCTAssertEqual(result.status, 0, result.standardError)
        for command in [["merge", "--all"], ["verify"]] {
            result = try run(["collection"] + command + ["g"])
            XCTAssertEqual(result.status, 0, "\(command): \(result.standardError)")
        }
        result = try run(["collection", "search", "g", "--queries", "queries.npy", "-k", "10", "--ef", "16", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let found = try ids(result.standardOutput)
        XCTAssertEqual(found.map(\.count), [10, 10, 10, 10])
        XCTAssertFalse(found.joined().contains("p5") || found.joined().contains("p6"))

        result = try run(["collection", "info", "g", "--json"])
        XCTAssertEqual(result.status, 0, result.standardError)
        let info = try XCTUnwrap(try jsonLines(result.standardOutput).first)
        XCTAssertEqual(info["index"] as? String, "hnsw")
        let graph = try XCTUnwrap(info["graph"] as? [String: Any])
        XCTAssertEqual(graph["m"] as? Int, 8)
        XCTAssertEqual(graph["efConstruction"] as? Int, 64)
        XCTAssertEqual(graph["seed"] as? Int, 5)
        result = try run(["collection", "info", "g"])
        XCTAssertTrue(result.standardOutput.contains("index hnsw: a graph per segment (M 8, ef_construction 64, seed 5)"), result.standardOutput)
    }

    func testBadGraphOptionsAreRefusedWithTheirName() throws {
        var result = try run(["collection", "create", "a", "--dimension", "32", "--precision", "binary", "--index", "ivf"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("--index must be flat or hnsw"), result.standardError)
        result = try run(["collection", "create", "b", "--dimension", "32", "--precision", "binary", "--m", "8"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("need --index hnsw"), result.standardError)
        result = try run(["collection", "create", "c", "--dimension", "32", "--precision", "uint8", "--index", "hnsw"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("cannot index uint8"), result.standardError)
        result = try run(["collection", "create", "d", "--dimension", "32", "--precision", "binary", "--index", "hnsw", "--m", "1"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("M (connectivity)"), result.standardError)

        result = try run(["collection", "create", "f", "--dimension", "32", "--precision", "binary"])
        XCTAssertEqual(result.status, 0, result.standardError)
        result = try run(["collection", "info", "f", "--json"])
        XCTAssertEqual(try jsonLines(result.standardOutput).first?["index"] as? String, "flat")
        result = try run(["collection", "search", "f", "--queries", "queries.npy", "--ef", "8", "--exact"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("--ef or --exact"), result.standardError)
        result = try run(["collection", "search", "f", "--queries", "queries.npy", "--ef", "0"])
        XCTAssertNotEqual(result.status, 0)
        XCTAssertTrue(result.standardError.contains("--ef must be at least 1"), result.standardError)
    }
}
