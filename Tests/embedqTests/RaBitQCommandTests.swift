import EmbedQTestSupport
import Foundation
import XCTest

/// RaBitQ and projection heads from the command line, end to end on the 280 golden embeddings:
/// calibrate --rotation, quantize / search rabitq codes, train-head (qat and itq) and --head;
/// and index files with RaBitQ fast codes (build, search, rescore, delete, add, graph refused) on
/// seeded clustered vectors.
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
        // PCA for RaBitQ codes: uncentred (RaBitQ centres the corpus itself); for ternary: centred.
        _ = try run(["train-head", embeddings, "-p", "rabitq2", "--method", "pca", "--dimension", "16", "-o", "pca-r.json"])
        _ = try run(["train-head", embeddings, "-p", "ternary", "--method", "pca", "--dimension", "16", "-o", "pca-t.json"])
        func head(_ name: String) throws -> [String: Any] {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        }
        let (rabitqHead, ternaryHead) = (try head("pca-r.json"), try head("pca-t.json"))
        XCTAssertEqual(rabitqHead["precision"] as? String, "rabitq2")
        XCTAssertEqual(rabitqHead["offsets"] as? [Double], [Double](repeating: 0, count: 16))
        XCTAssertEqual(rabitqHead["weights"] as? [Double], ternaryHead["weights"] as? [Double])
        XCTAssertNotEqual(ternaryHead["offsets"] as? [Double], [Double](repeating: 0, count: 16))
        _ = try run(["quantize", embeddings, "-p", "binary", "--head", "head.json", "-o", "bits.npy"])
        XCTAssertEqual(try shape("bits.npy"), "280, 8")
        _ = try run(["calibrate", embeddings, "--head", "itq.json", "-o", "itq-ranges.npy"])
        _ = try run(["quantize", embeddings, "-p", "ternary", "--head", "itq.json", "--ranges", "itq-ranges.npy", "-o", "trits.npy"])
        XCTAssertEqual(try shape("trits.npy"), "280, 8")
        let wrong = try CommandRunner.run(["train-head", embeddings, "-p", "float32", "-o", "h.json"], in: directory)
        XCTAssertNotEqual(wrong.status, 0)
        XCTAssertTrue(wrong.standardError.contains("float32"), wrong.standardError)
    }

    /// A little-endian float32 `.npy` (format 1.0) of `rows × columns` values.
    private func writeNPY(_ values: [Float], rows: Int, columns: Int, to name: String) throws {
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': (\(rows), \(columns)), }"
        while (10 + header.count + 1) % 64 != 0 { header += " " }
        header += "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)])
        data += Data(header.utf8)
        for value in values { withUnsafeBytes(of: value.bitPattern.littleEndian) { data += Data($0) } }
        try data.write(to: directory.appendingPathComponent(name))
    }

    /// The document ids of each query's hits in `embedq search INDEX … --json` output.
    private func hitIDs(_ output: String) throws -> [[String]] {
        try output.split(separator: "\n").map { line in
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            return try XCTUnwrap(object["hits"] as? [[String: Any]]).map { $0["id"] as? String ?? "" }
        }
    }

    func testIndexFileWithRaBitQFastCodes() throws {
        let (rows, d) = (400, 32)
        let values = ClusteredVectors.values(rows: rows + 20, dimension: d, seed: 61)
        try writeNPY(Array(values[0..<(rows * d)]), rows: rows, columns: d, to: "corpus.npy")
        try writeNPY(Array(values[(5 * d)..<(6 * d)] + values[(17 * d)..<(18 * d)]), rows: 2, columns: d, to: "queries.npy")
        try writeNPY(Array(values[(rows * d)...]), rows: 20, columns: d, to: "more.npy")
        try Data(((0..<rows).map { "doc \($0)" }.joined(separator: "\n") + "\n").utf8).write(to: directory.appendingPathComponent("ids.txt"))
        try Data(((rows..<(rows + 20)).map { "doc \($0)" }.joined(separator: "\n") + "\n").utf8)
            .write(to: directory.appendingPathComponent("more.txt"))
        _ = try run(["calibrate", "corpus.npy", "--rotation", "-o", "ranges.npy"])
        let built = try run(["index", "build", "corpus.npy", "--ids", "ids.txt", "--precision", "rabitq1", "--rescore", "int8",
                             "--ranges", "ranges.npy", "-o", "x.embq"])
        XCTAssertTrue(built.standardError.contains("rabitq1 + int8"), built.standardError)

        // Rescored with the int8 codes: each query (a corpus row) finds its own document first,
        // and the bound's candidates give the same top 10 as rescoring every row.
        let rescored = try hitIDs(run(["search", "x.embq", "--queries", "queries.npy", "-k", "10", "--rescore", "1", "--json"]).standardOutput)
        XCTAssertEqual(rescored.map { $0.first }, ["doc 5", "doc 17"])
        XCTAssertEqual(rescored.map(\.count), [10, 10])
        let everyRow = try hitIDs(run(["search", "x.embq", "--queries", "queries.npy", "-k", "10", "--rescore", "100", "--json"]).standardOutput)
        XCTAssertEqual(rescored, everyRow)
        // Without rescoring: RaBitQ estimates refined with the float query, in memory.
        let plain = try run(["search", "x.embq", "--queries", "queries.npy", "-k", "5", "--json"])
        XCTAssertEqual(try hitIDs(plain.standardOutput).map(\.count), [5, 5])
        XCTAssertTrue(plain.standardError.contains("rabitq1 in memory, RaBitQ scan"), plain.standardError)

        // Deleted documents are never returned; added ones are found.
        _ = try run(["index", "delete", "x.embq", "doc 5"])
        let afterDelete = try hitIDs(run(["search", "x.embq", "--queries", "queries.npy", "-k", "10", "--rescore", "2", "--json"]).standardOutput)
        XCTAssertFalse(afterDelete.joined().contains("doc 5"))
        XCTAssertEqual(afterDelete[1].first, "doc 17")
        _ = try run(["index", "add", "x.embq", "more.npy", "--ids", "more.txt"])
        try writeNPY(Array(values[((rows + 3) * d)..<((rows + 4) * d)]), rows: 1, columns: d, to: "added.npy")
        let added = try hitIDs(run(["search", "x.embq", "--queries", "added.npy", "-k", "3", "--rescore", "1", "--json"]).standardOutput)
        XCTAssertEqual(added.first?.first, "doc \(rows + 3)")

        // HNSW has no RaBitQ distance: a graph is refused by name, before anything is written.
        let graph = try CommandRunner.run(["index", "graph", "x.embq"], in: directory)
        XCTAssertNotEqual(graph.status, 0)
        XCTAssertTrue(graph.standardError.contains("rabitq1") && graph.standardError.contains("HNSW"), graph.standardError)
        let withGraph = try CommandRunner.run(
            ["index", "build", "corpus.npy", "--ids", "ids.txt", "--precision", "rabitq2", "--graph", "-o", "g.embq"], in: directory)
        XCTAssertNotEqual(withGraph.status, 0)
        XCTAssertTrue(withGraph.standardError.contains("rabitq2"), withGraph.standardError)
        XCTAssertFalse(FileManager.default.fileExists(atPath: directory.appendingPathComponent("g.embq").path))
    }
}
