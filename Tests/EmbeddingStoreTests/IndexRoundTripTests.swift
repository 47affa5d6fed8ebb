import Foundation
import XCTest
import EmbeddingQuantization
@testable import EmbeddingStore

/// Create, open, add, delete and compact keep exactly the rows, ids, ranges and metadata given.
final class IndexRoundTripTests: XCTestCase {
    var directory = ""
    override func setUpWithError() throws { directory = try makeTemporaryDirectory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    func testCreateThenOpenReturnsEverything() throws {
        let path = directory + "/index.embq"
        let ids = StoreTestData.ids("doc", 0..<37) + ["ünïcødé-🙂", "x"]
        try StoreTestData.createIndex(at: path, ids: ids)
        let index = try IndexFile.open(at: path, verify: true)
        XCTAssertEqual(index.dimension, StoreTestData.dimension)
        XCTAssertEqual(index.count, ids.count)
        XCTAssertEqual(index.rowCount, ids.count)
        XCTAssertEqual(index.generation, 1)
        XCTAssertEqual(Array(index.ids), ids)
        XCTAssertEqual(index.fast, StoreTestData.binary(ids))
        XCTAssertEqual(index.rescoring?.precision, .int8)
        XCTAssertEqual(index.rescoring?.ranges, StoreTestData.int8Ranges)
        XCTAssertEqual(index.rescoring.map { Array($0.bytes) }, StoreTestData.int8(ids).codes)
        XCTAssertEqual(index.metadata, IndexMetadata(modelName: "test/model", modelPath: "/models/test"))
        XCTAssertEqual(index.deletedRows.count, 0)
        assertContents(of: index, equal: ExpectedContents(liveIDs: ids))
    }

    /// The layout promises of the format: alignment of the code sections and the header fields.
    func testLayoutAlignsCodeSections() throws {
        let path = directory + "/index.embq"
        try StoreTestData.createIndex(at: path, ids: StoreTestData.ids("d", 0..<5))
        let header = try IndexFile.header(at: path)
        XCTAssertEqual(header[.fast].offset % 64, 0)
        XCTAssertEqual(header[.rescoring].offset % 4096, 0)
        XCTAssertEqual(header.fileLength, try fileBytes(path).count)
        XCTAssertEqual(Array(try fileBytes(path).prefix(8)), Array("EMBQINDX".utf8))
    }

    /// Fast-only indexes, ternary thresholds, nearest rounding, no metadata, zero rows.
    func testVariants() throws {
        let ids = StoreTestData.ids("v", 0..<9)
        let thresholds = (0..<StoreTestData.dimension).map { Float($0) / 50 }
        let ternaryRanges = try StoreTestData.int8Ranges.withTernaryThresholds(thresholds)
        let ternary = try QuantizedEmbeddings(
            precision: .ternary, rowCount: ids.count, dimension: StoreTestData.dimension,
            codes: ids.flatMap { StoreTestData.row($0, precision: .ternary) }, ranges: ternaryRanges, rounding: .nearest)
        let cases: [(String, QuantizedEmbeddings, QuantizedEmbeddings?, [String])] = [
            ("fast only", StoreTestData.binary(ids), nil, ids),
            ("ternary + float16", ternary, StoreTestData.codes(ids, precision: .float16), ids),
            ("int4 + int8", StoreTestData.codes(ids, precision: .int4, ranges: StoreTestData.int8Ranges), StoreTestData.int8(ids), ids),
            ("empty", StoreTestData.binary([]), StoreTestData.int8([]), []),
        ]
        for (name, fast, rescoring, ids) in cases {
            let path = directory + "/\(name).embq"
            try IndexFile.create(at: path, fast: fast, rescoring: rescoring, ids: ids)
            let index = try IndexFile.open(at: path, verify: true)
            XCTAssertEqual(index.fast, fast, name)
            XCTAssertEqual(index.rescoring.map { Array($0.bytes) }, rescoring?.codes, name)
            XCTAssertEqual(index.rescoring?.ranges, rescoring?.ranges, name)
            XCTAssertEqual(index.rescoring?.precision, rescoring?.precision, name)
            XCTAssertNil(index.metadata, name)
            XCTAssertEqual(Array(index.ids), ids, name)
        }
    }

    func testAddDeleteCompact() throws {
        let path = directory + "/index.embq"
        var live = StoreTestData.ids("a", 0..<10)
        try StoreTestData.createIndex(at: path, ids: live)

        let added = StoreTestData.ids("b", 0..<5)
        XCTAssertEqual(try IndexFile.add(to: path, ids: added, fast: StoreTestData.binary(added), rescoring: StoreTestData.int8(added)), 2)
        live += added
        assertContents(of: try IndexFile.open(at: path, verify: true), equal: ExpectedContents(liveIDs: live))

        let report = try IndexFile.delete(ids: ["a-3", "b-1", "nope", "a-3"], from: path)
        XCTAssertEqual(report, DeletionReport(deletedCount: 2, unknownIDs: ["nope", "a-3"], generation: 3))
        live.removeAll { $0 == "a-3" || $0 == "b-1" }
        var index = try IndexFile.open(at: path, verify: true)
        assertContents(of: index, equal: ExpectedContents(liveIDs: live))
        XCTAssertEqual(index.rowCount, 15)
        XCTAssertTrue(index.deletedRows.contains(3))
        XCTAssertTrue(index.deletedRows.contains(11))

        // Nothing known: reported, file untouched.
        XCTAssertEqual(try IndexFile.delete(ids: ["zzz"], from: path), DeletionReport(deletedCount: 0, unknownIDs: ["zzz"], generation: 3))

        // A deleted id may be added again.
        try IndexFile.add(to: path, ids: ["a-3"], fast: StoreTestData.binary(["a-3"]), rescoring: StoreTestData.int8(["a-3"]))
        live.append("a-3")

        XCTAssertEqual(try IndexFile.compact(at: path), 2)
        index = try IndexFile.open(at: path, verify: true)
        XCTAssertEqual(index.rowCount, live.count)
        XCTAssertEqual(index.deletedRows.count, 0)
        XCTAssertEqual(index.generation, 5)
        XCTAssertEqual(Array(index.ids), live)
        assertContents(of: index, equal: ExpectedContents(liveIDs: live))
        XCTAssertEqual(index.metadata?.modelName, "test/model")
        XCTAssertEqual(try IndexFile.compact(at: path), 0)
    }

    /// Fast-only indexes grow and shrink too; deleting every row and compacting leaves an empty,
    /// valid index that can grow again.
    func testFastOnlyIndexAndEmptyingIt() throws {
        let path = directory + "/index.embq"
        let ids = StoreTestData.ids("f", 0..<3)
        try IndexFile.create(at: path, fast: StoreTestData.binary(ids), ids: ids)
        try IndexFile.add(to: path, ids: ["g"], fast: StoreTestData.binary(["g"]))
        XCTAssertEqual(try IndexFile.delete(ids: ids + ["g"], from: path).deletedCount, 4)
        XCTAssertEqual(try IndexFile.open(at: path).count, 0)
        XCTAssertEqual(try IndexFile.compact(at: path), 4)
        var index = try IndexFile.open(at: path, verify: true)
        XCTAssertEqual(index.rowCount, 0)
        XCTAssertEqual(index.fast.codes, [])
        XCTAssertNil(index.rescoring)
        try IndexFile.add(to: path, ids: ["f-1"], fast: StoreTestData.binary(["f-1"]))
        index = try IndexFile.open(at: path, verify: true)
        XCTAssertEqual(Array(index.ids), ["f-1"])
        XCTAssertEqual(index.fast, StoreTestData.binary(["f-1"]))
    }

    func testRejectsBadInput() throws {
        let path = directory + "/index.embq"
        let ids = StoreTestData.ids("a", 0..<4)
        XCTAssertThrowsError(try IndexFile.create(at: path, fast: StoreTestData.binary(ids), ids: ["a-0", "a-1", "a-0", "a-3"])) {
            XCTAssertEqual($0 as? IndexFileError, .inFile(path: path, .duplicateID("a-0", row: 2)))
        }
        XCTAssertThrowsError(try IndexFile.create(at: path, fast: StoreTestData.binary(ids), ids: ["a-0", "", "a-2", "a-3"])) {
            XCTAssertEqual($0 as? IndexFileError, .inFile(path: path, .emptyID(row: 1)))
        }
        XCTAssertThrowsError(try IndexFile.create(at: path, fast: StoreTestData.binary(ids), ids: Array(ids.prefix(3))))
        XCTAssertFalse(FileManager.default.fileExists(atPath: path))

        try StoreTestData.createIndex(at: path, ids: ids)
        let before = try fileBytes(path)
        // Duplicate of a live id, and within the batch.
        XCTAssertThrowsError(try IndexFile.add(to: path, ids: ["a-2"], fast: StoreTestData.binary(["a-2"]), rescoring: StoreTestData.int8(["a-2"]))) {
            XCTAssertEqual($0 as? IndexFileError, .inFile(path: path, .duplicateID("a-2", row: 0)))
            XCTAssertTrue("\($0)".contains("duplicate document id 'a-2'"))
        }
        XCTAssertThrowsError(try IndexFile.add(to: path, ids: ["n", "n"], fast: StoreTestData.binary(["n", "n"]), rescoring: StoreTestData.int8(["n", "n"])))
        // Missing rescoring codes, wrong precision, other ranges.
        XCTAssertThrowsError(try IndexFile.add(to: path, ids: ["n"], fast: StoreTestData.binary(["n"])))
        XCTAssertThrowsError(try IndexFile.add(to: path, ids: ["n"], fast: StoreTestData.codes(["n"], precision: .ubinary), rescoring: StoreTestData.int8(["n"])))
        let otherRanges = try QuantizationRanges(minimums: [Float](repeating: -1, count: StoreTestData.dimension), maximums: [Float](repeating: 1, count: StoreTestData.dimension))
        XCTAssertThrowsError(try IndexFile.add(to: path, ids: ["n"], fast: StoreTestData.binary(["n"]), rescoring: StoreTestData.codes(["n"], precision: .int8, ranges: otherRanges)))
        XCTAssertEqual(try fileBytes(path), before, "failed changes leave the file untouched")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }
        XCTAssertEqual(leftovers, [], "failed changes remove their temporary files")
    }

    /// An open index keeps reading the file it opened after a writer replaced it.
    func testOpenIndexSurvivesReplacement() throws {
        let path = directory + "/index.embq"
        let ids = StoreTestData.ids("a", 0..<6)
        try StoreTestData.createIndex(at: path, ids: ids)
        let old = try IndexFile.open(at: path)
        try IndexFile.delete(ids: ["a-0"], from: path)
        try IndexFile.compact(at: path)
        assertContents(of: old, equal: ExpectedContents(liveIDs: ids))
        XCTAssertNoThrow(try old.verify())
    }

    /// A writer that read generation g refuses to commit over a file another writer changed.
    func testDetectsConcurrentModification() throws {
        let path = directory + "/index.embq"
        try StoreTestData.createIndex(at: path, ids: StoreTestData.ids("a", 0..<6))
        let stale = try IndexFile.open(at: path)
        try IndexFile.delete(ids: ["a-1"], from: path)
        var image = IndexFile.image(of: stale)
        image.deleted.insert(0)
        XCTAssertThrowsError(try IndexFile.write(image, replacing: stale)) {
            XCTAssertEqual($0 as? IndexFileError, .concurrentModification(expected: 1, found: 2))
        }
        XCTAssertEqual(try IndexFile.open(at: path).deletedRows.liveRows, [0, 2, 3, 4, 5])
    }

    func testErrorsNameTheFile() throws {
        let path = directory + "/missing.embq"
        XCTAssertThrowsError(try IndexFile.open(at: path)) { error in
            guard case .inFile(path, .systemError(operation: "open", errno: ENOENT, _))? = error as? IndexFileError else {
                return XCTFail("\(error)")
            }
            XCTAssertTrue("\(error)".hasPrefix(path + ": open failed"))
        }
    }
}

/// The rescoring codes read through the mapping and with pread agree.
final class MappedCodesTests: XCTestCase {
    func testCopyRowsMatchesMappedRows() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/index.embq"
        let ids = StoreTestData.ids("r", 0..<50)
        try StoreTestData.createIndex(at: path, ids: ids)
        let rescoring = try XCTUnwrap(try IndexFile.open(at: path).rescoring)
        let rows = [3, 4, 5, 0, 49, 7, 7, 8]
        XCTAssertEqual(try rescoring.rows(rows), rows.flatMap { Array(rescoring[row: $0]) })
        XCTAssertEqual(try rescoring.rows(rows), rows.flatMap { StoreTestData.row(ids[$0], precision: .int8) })
        XCTAssertEqual(try rescoring.rows([Int]()), [])
        rescoring.releaseResidentPages()
        XCTAssertEqual(Array(rescoring[row: 49]), StoreTestData.row("r-49", precision: .int8))
    }
}

/// Temporary files of dead writers are removed; those of live writers and unrelated files stay.
final class StaleTemporaryFileTests: XCTestCase {
    func testRemovesOnlyDeadWritersFiles() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/index.embq"
        let live = directory + "/.index.embq.\(getpid()).17.tmp"
        let dead = directory + "/.index.embq.2147483646.42.tmp"  // above any pid_max
        let other = directory + "/.other.embq.2147483646.42.tmp"
        for file in [live, dead, other] { try writeBytes([1, 2, 3], to: file) }
        XCTAssertEqual(try IndexFile.removeStaleTemporaryFiles(besides: path), [dead])
        XCTAssertTrue(FileManager.default.fileExists(atPath: live))
        XCTAssertTrue(FileManager.default.fileExists(atPath: other))
        XCTAssertFalse(FileManager.default.fileExists(atPath: dead))
    }
}

/// Writers on several threads take turns through the lock file: every change applies.
final class ConcurrentWriterTests: XCTestCase {
    func testConcurrentAddsAllApply() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/index.embq"
        try StoreTestData.createIndex(at: path, ids: ["seed"])
        DispatchQueue.concurrentPerform(iterations: 4) { writer in
            for batch in 0..<5 {
                let ids = StoreTestData.ids("w\(writer)-b\(batch)", 0..<3)
                do {
                    try IndexFile.add(to: path, ids: ids, fast: StoreTestData.binary(ids), rescoring: StoreTestData.int8(ids))
                } catch {
                    XCTFail("writer \(writer), batch \(batch): \(error)")
                }
            }
        }
        let index = try IndexFile.open(at: path, verify: true)
        XCTAssertEqual(index.count, 1 + 4 * 5 * 3)
        XCTAssertEqual(index.generation, 1 + 20)
        XCTAssertEqual(Set(index.ids).count, 61)
    }
}
