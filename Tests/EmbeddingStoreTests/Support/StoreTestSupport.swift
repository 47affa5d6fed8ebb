import Foundation
import XCTest
import EmbedQTestSupport
import EmbeddingQuantization
@testable import EmbeddingStore

typealias SeededGenerator = EmbedQTestSupport.SeededGenerator

/// A fresh directory under the system temporary directory, removed by `tearDown`.
func makeTemporaryDirectory(_ name: String = #function) throws -> String {
    let base = NSTemporaryDirectory() + "embedq-store-\(ProcessInfo.processInfo.processIdentifier)-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: true)
    return base
}

/// Deterministic rows for tests: the codes of a row depend only on its id, so the expected
/// contents of any sequence of changes can be computed independently of the file.
enum StoreTestData {
    static let dimension = 24

    /// Ranges of the int8 rescoring codes (fixed, so every batch is compatible).
    static let int8Ranges = try! QuantizationRanges(
        minimums: (0..<dimension).map { -0.5 - Float($0) / 100 },
        maximums: (0..<dimension).map { 0.5 + Float($0) / 100 })

    /// `precision` codes of one row, a pure function of `id`.
    static func row(_ id: String, precision: Precision, dimension: Int = dimension) -> [UInt8] {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in id.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var generator = SeededGenerator(seed: hash ^ UInt64(Precision.allCases.firstIndex(of: precision)!))
        var bytes = (0..<precision.bytesPerVector(dimension: dimension)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        if precision.isBitPacked, dimension % 8 != 0 {
            // Zero padding bits, as the quantizer writes them (binary stores packed − 128).
            let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - dimension % 8))
            let last = bytes.count - 1
            bytes[last] = precision == .binary ? UInt8(truncatingIfNeeded: Int(bytes[last]) & Int(mask)) &- 128 : bytes[last] & mask
        }
        return bytes
    }

    static func codes(_ ids: [String], precision: Precision, ranges: QuantizationRanges? = nil, dimension: Int = dimension) -> QuantizedEmbeddings {
        try! QuantizedEmbeddings(
            precision: precision, rowCount: ids.count, dimension: dimension,
            codes: ids.flatMap { row($0, precision: precision, dimension: dimension) }, ranges: ranges)
    }

    static func binary(_ ids: [String]) -> QuantizedEmbeddings { codes(ids, precision: .binary) }
    static func int8(_ ids: [String]) -> QuantizedEmbeddings { codes(ids, precision: .int8, ranges: int8Ranges) }

    static func ids(_ prefix: String, _ range: Range<Int>) -> [String] { range.map { "\(prefix)-\($0)" } }

    /// Creates a binary + int8 index of `ids` at `path`, with metadata.
    static func createIndex(at path: String, ids: [String]) throws {
        try IndexFile.create(
            at: path, fast: binary(ids), rescoring: int8(ids), ids: ids,
            metadata: IndexMetadata(modelName: "test/model", modelPath: "/models/test"))
    }
}

/// What a test expects an index to hold: the live ids in row order (deleted rows skipped) and
/// their codes; compared with ``assertContents(of:equal:)``.
struct ExpectedContents: Equatable, CustomStringConvertible {
    var liveIDs: [String]

    var description: String { "\(liveIDs.count) live ids: \(liveIDs.prefix(6))…" }
}

/// Checks that `index` holds exactly `expected`: ids, fast and rescoring codes of every live row.
func assertContents(of index: OpenIndex, equal expected: ExpectedContents, file: StaticString = #filePath, line: UInt = #line) {
    let live = index.liveRows
    XCTAssertEqual(live.map { index.ids[$0] }, expected.liveIDs, file: file, line: line)
    XCTAssertEqual(index.count, expected.liveIDs.count, file: file, line: line)
    for (row, id) in zip(live, expected.liveIDs) {
        XCTAssertEqual(Array(index.fast[row: row]), StoreTestData.row(id, precision: .binary), "fast codes of \(id)", file: file, line: line)
        XCTAssertEqual(index.rescoring.map { Array($0[row: row]) }, StoreTestData.row(id, precision: .int8), "rescoring codes of \(id)", file: file, line: line)
    }
}

/// The bytes of the file at `path`.
func fileBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}

/// Writes `bytes` to `path` in place, without syncing: `pwrite` then `ftruncate` to the new
/// length. (Foundation's `Data.write` syncs, and `O_TRUNC` makes ext4 start writeback on close
/// — its `auto_da_alloc` heuristic —, either of which made the every-offset loops take a minute
/// on a busy disk.)
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    let descriptor = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
    guard descriptor >= 0 else { throw POSIXError(.init(rawValue: errno) ?? .EIO) }
    defer { close(descriptor) }
    let written = bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    guard written == bytes.count, ftruncate(descriptor, off_t(bytes.count)) == 0 else { throw POSIXError(.EIO) }
}
