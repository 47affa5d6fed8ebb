import EmbedQTestSupport
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation
import XCTest

@testable import EmbeddingGraph

/// The stored graph: round trips (copied and memory-mapped), and hostile bytes — cut at every
/// offset, seeded bit flips, and forged fields with recomputed checksums (so that the structure
/// checks behind the checksums are reached) — each refused with a typed error, never a crash.
final class HNSWSectionTests: XCTestCase {
    static let corpus = GraphFixtures.clustered(rows: 300, dimension: 32, clusters: 4, seed: 21)
    let codes = try! GraphFixtures.quantize(corpus, .ubinary)
    lazy var index = try! HNSWIndex(codes: codes, parameters: HNSWParameters(connectivity: 4, efConstruction: 16, seed: 1), threads: 1)
    lazy var bytes = index.graph.serialized()

    func testRoundTripsThroughBytesAndAMappedFile() throws {
        let decoded = try HNSWGraph(decoding: bytes)
        XCTAssertEqual(decoded.serialized(), bytes)
        XCTAssertEqual(decoded.connectivity, 4)
        XCTAssertEqual(decoded.efConstruction, 16)
        XCTAssertEqual(decoded.seed, 1)
        XCTAssertEqual(decoded.precision, .ubinary)
        XCTAssertEqual(decoded.dimension, 32)
        XCTAssertEqual(decoded.entryPoint, index.graph.entryPoint)
        let queries = Self.corpus[rows: 0..<20]
        let parameters = SearchParameters(threads: 1, ef: 20)
        var walking = index
        walking.exactScanSelectivity = 0
        let expected = try walking.search(queries, k: 5, parameters: parameters)
        var fromBytes = try HNSWIndex(graph: decoded, codes: codes)
        fromBytes.exactScanSelectivity = 0
        XCTAssertEqual(try fromBytes.search(queries, k: 5, parameters: parameters), expected)

        // A section inside a larger file, 64-byte aligned, with the codes mapped in place too.
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-graph-\(UUID().uuidString).bin")
        defer { try? FileManager.default.removeItem(at: url) }
        var file = [UInt8](repeating: 0xEE, count: 64) + bytes
        let codesOffset = (file.count + 63) / 64 * 64
        file += [UInt8](repeating: 0, count: codesOffset - file.count) + codes.codes
        try Data(file).write(to: url)
        let mapped = try MemoryMappedFile(path: url.path)
        let graph = try HNSWGraph(mapping: mapped, offset: 64, byteCount: bytes.count)
        let stored = try StoredCodes(
            precision: .ubinary, rowCount: codes.rowCount, dimension: 32,
            bytes: ByteSlice(mapped, offset: codesOffset, count: codes.codes.count)!)
        var fromFile = try HNSWIndex(graph: graph, codes: stored)
        fromFile.exactScanSelectivity = 0
        XCTAssertEqual(try fromFile.search(queries, k: 5, parameters: parameters), expected)
        XCTAssertThrowsError(try HNSWGraph(mapping: mapped, offset: 66, byteCount: bytes.count)) {
            XCTAssertEqual($0 as? HNSWSectionError, .misaligned(address: Self.address(of: mapped) + 66))
        }
        XCTAssertThrowsError(try HNSWGraph(mapping: mapped, offset: 64, byteCount: file.count)) {
            XCTAssertEqual($0 as? HNSWSectionError, .truncated(needed: 64 + file.count, available: file.count))
        }
    }

    func testCodesThatDoNotMatchTheGraphAreRefused() throws {
        let graph = index.graph
        XCTAssertThrowsError(try HNSWIndex(graph: graph, codes: try GraphFixtures.quantize(Self.corpus[rows: 0..<299], .ubinary))) {
            XCTAssertEqual($0 as? HNSWError, .codesMismatch(what: "the row count", graph: "300", codes: "299"))
        }
        XCTAssertThrowsError(try HNSWIndex(graph: graph, codes: try GraphFixtures.quantize(Self.corpus, .binary))) {
            XCTAssertEqual($0 as? HNSWError, .codesMismatch(what: "the precision", graph: "ubinary", codes: "binary"))
        }
        let wider = GraphFixtures.clustered(rows: 300, dimension: 40, clusters: 4, seed: 21)
        XCTAssertThrowsError(try HNSWIndex(graph: graph, codes: try GraphFixtures.quantize(wider, .ubinary))) {
            XCTAssertEqual($0 as? HNSWError, .codesMismatch(what: "the dimension", graph: "32", codes: "40"))
        }
    }

    func testEveryTruncationAndTrailingByteIsRefused() {
        for length in 0..<bytes.count {
            XCTAssertThrowsError(try HNSWGraph(decoding: Array(bytes[0..<length])), "cut at \(length)") { error in
                guard case .truncated = error as? HNSWSectionError else { return XCTFail("cut at \(length): \(error)") }
            }
        }
        XCTAssertThrowsError(try HNSWGraph(decoding: bytes + [0])) {
            XCTAssertEqual($0 as? HNSWSectionError, .trailingBytes(expected: self.bytes.count, actual: self.bytes.count + 1))
        }
    }

    func testFlippedBitsAreCaughtByTheChecksums() {
        var generator = SeededGenerator(seed: 0xF1195)
        for _ in 0..<400 {
            var corrupt = bytes
            let position = Int.random(in: 0..<corrupt.count, using: &generator)
            corrupt[position] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            XCTAssertThrowsError(try HNSWGraph(decoding: corrupt), "flip at byte \(position)") { error in
                switch error as? HNSWSectionError {
                case .checksumMismatch, .badMagic: break
                default: XCTFail("flip at byte \(position): \(error)")
                }
            }
        }
    }

    /// Fields forged and both checksums recomputed: the checks behind the checksums answer.
    func testForgedFieldsAreRefusedByTheStructureChecks() throws {
        let layout = index.graph.storage.layout
        let graph = index.graph
        func forged(_ change: (inout [UInt8]) -> Void) -> HNSWSectionError? {
            var copy = bytes
            change(&copy)
            Self.reseal(&copy)
            do {
                _ = try HNSWGraph(decoding: copy)
                return nil
            } catch {
                return error
            }
        }
        func put32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
            for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
        }
        func put64(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt64) {
            for i in 0..<8 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
        }
        XCTAssertEqual(forged { $0[0] = UInt8(ascii: "X") }, .badMagic)
        XCTAssertEqual(forged { put32(&$0, 8, 2) }, .unsupportedVersion(2))
        XCTAssertEqual(forged { put32(&$0, 24, 1) }, .invalidField(name: "M", value: 1, reason: "must be in 2 ... 256"))
        XCTAssertEqual(forged { put32(&$0, 28, 9) }, .invalidField(name: "level-0 slots", value: 9, reason: "must be 2 × M = 8"))
        XCTAssertEqual(forged { put64(&$0, 16, UInt64(UInt32.max)) },
                       .invalidField(name: "row count", value: UInt64(UInt32.max), reason: "exceeds \(HNSWGraph.maximumRowCount)"))
        XCTAssertEqual(forged { put32(&$0, 40, 300) }, .invalidField(name: "entry point", value: 300, reason: "is not a node (300 rows)"))
        XCTAssertEqual(forged { put32(&$0, 36, 40) }, .invalidField(name: "top level", value: 40, reason: "exceeds 31"))
        XCTAssertEqual(forged { $0[56] = 9 }, .invalidField(name: "precision", value: 9, reason: "is not a graph precision code (1 ... 7)"))
        XCTAssertEqual(forged { $0[110] = 1 }, .invalidField(name: "reserved byte 110", value: 1, reason: "must be 0"))
        // A forged count of upper records changes the size of the upper lists (the last part):
        // the stored section size disagrees.
        let grown = HNSWSectionLayout(rowCount: 300, upperSlots: 4, baseSlots: 8, upperRecordCount: layout.upperRecordCount + 100)!
        XCTAssertEqual(forged { put32(&$0, 44, UInt32(layout.upperRecordCount + 100)) }, .invalidField(
            name: "section bytes", value: UInt64(layout.byteCount),
            reason: "must be \(grown.byteCount) for this row count, M and upper records"))
        // Rewriting the offsets and the length to match a forged count: the section is then too short.
        XCTAssertEqual(forged { bytes in
            let bigger = HNSWSectionLayout(rowCount: 300, upperSlots: 4, baseSlots: 8, upperRecordCount: layout.upperRecordCount + 100)!
            put32(&bytes, 44, UInt32(bigger.upperRecordCount))
            put64(&bytes, 96, UInt64(bigger.byteCount))
        }, .truncated(needed: layout.byteCount + 400 * 4 - 0, available: layout.byteCount))

        // Structure: a level above the top, an upper offset out of step, neighbours out of range,
        // the node itself, a neighbour below the list's level, a slot used after an empty one.
        let node = (0..<300).first { graph.level(of: $0)! == 0 }!
        let upperNode = (0..<300).first { graph.level(of: $0)! >= 1 }!
        XCTAssertEqual(forged { $0[layout.levelsOffset + node] = UInt8(graph.maxLevel + 1) },
                       .invalidLevel(node: node, level: graph.maxLevel + 1, maxLevel: graph.maxLevel))
        XCTAssertEqual(forged { put32(&$0, layout.upperOffsetsOffset + 4 * upperNode, 12345) }, .upperOffsetMismatch(
            node: upperNode, stored: 12345, expected: index.graph.storage.upperOffsets[upperNode]))
        let slot0 = layout.baseOffset + node * 8 * 4
        XCTAssertEqual(forged { put32(&$0, slot0, 300) }, .invalidNeighbor(node: node, level: 0, slot: 0, neighbor: 300))
        XCTAssertEqual(forged { put32(&$0, slot0, UInt32(node)) }, .invalidNeighbor(node: node, level: 0, slot: 0, neighbor: UInt32(node)))
        let upperList = layout.upperOffset + Int(index.graph.storage.upperOffsets[upperNode]) * 4 * 4
        XCTAssertEqual(forged { put32(&$0, upperList, UInt32(node)) },
                       .neighborBelowLevel(node: upperNode, level: 1, neighbor: node, neighborLevel: 0))
        let used = graph.neighbors(of: node, level: 0).count
        XCTAssertLessThan(used, 8)
        XCTAssertEqual(forged { bytes in
            put32(&bytes, slot0 + 4 * (used - 1), UInt32.max)
            put32(&bytes, slot0 + 4 * used, UInt32(graph.neighbors(of: node, level: 0)[used - 1]))
        }, .slotAfterEmpty(node: node, level: 0, slot: used))
    }

    /// Recomputes both checksums of a section (bytes 104 and 124).
    static func reseal(_ bytes: inout [UInt8]) {
        guard bytes.count >= 128 else { return }
        let payload = CRC32C.checksum(of: bytes[128...])
        for i in 0..<4 { bytes[104 + i] = UInt8(truncatingIfNeeded: payload >> (8 * UInt32(i))) }
        let header = CRC32C.checksum(of: bytes[0..<124])
        for i in 0..<4 { bytes[124 + i] = UInt8(truncatingIfNeeded: header >> (8 * UInt32(i))) }
    }

    static func address(of file: MemoryMappedFile) -> Int {
        file.withUnsafeBytes { Int(bitPattern: $0.baseAddress) }
    }
}
