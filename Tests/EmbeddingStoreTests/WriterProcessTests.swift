import Foundation
import XCTest
@testable import EmbeddingStore

/// Two writer processes on one index file (this test binary re-run twice, as the crash test
/// does) take turns through the `flock` writer lock: the file always opens verified, and every
/// change a writer saw acknowledged (the call returned) is in the final file — adds, deletes and
/// compactions interleaved, nothing lost, nothing torn. A reader opens the file throughout.
final class WriterProcessTests: XCTestCase {
    static let childVariable = "EMBEDQ_STORE_WRITER_CHILD"
    static let nameVariable = "EMBEDQ_STORE_WRITER_NAME"
    static let rounds = 12
    static let writers = ["p", "q"]

    func testTwoWriterProcessesLoseNothing() throws {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment[Self.childVariable], let name = environment[Self.nameVariable] {
            return try runWriter(as: name, to: path)
        }
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/shared.embq"
        let base = StoreTestData.ids("base", 0..<40)
        try StoreTestData.createIndex(at: path, ids: base)

        var children: [Process] = []
        for name in Self.writers {
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            child.arguments = ["EmbeddingStoreTests.WriterProcessTests/testTwoWriterProcessesLoseNothing"]
            var childEnvironment = environment
            childEnvironment[Self.childVariable] = path
            childEnvironment[Self.nameVariable] = name
            child.environment = childEnvironment
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            children.append(child)
        }
        // Both writers wait for this file, so that their changes interleave.
        let deadline = Date().addingTimeInterval(300)
        while Self.writers.contains(where: { !FileManager.default.fileExists(atPath: directory + "/ready-\($0)") }),
              children.allSatisfy(\.isRunning), Date() < deadline { usleep(1000) }
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/go", contents: nil))
        // A reader meanwhile: every open sees one complete, verified state holding the base rows.
        var reads = 0
        while children.contains(where: \.isRunning), Date() < deadline {
            let index = try IndexFile.open(at: path, verify: true)
            let live = Set(index.liveRows.map { index.ids[$0] })
            XCTAssertTrue(live.isSuperset(of: base), "generation \(index.generation) lost base rows")
            reads += 1
            usleep(2000)
        }
        for child in children where child.isRunning {
            XCTFail("a writer did not finish within the time limit")
            child.terminate()
        }
        for child in children {
            child.waitUntilExit()
            XCTAssertEqual(child.terminationStatus, 0, "a writer process failed (its own assertions or an error)")
        }

        // What the acknowledgements say the file must hold.
        var expected = Set(base)
        var operations = 0
        for name in Self.writers {
            let log = try String(contentsOfFile: directory + "/acks-\(name)", encoding: .utf8)
            for line in log.split(separator: "\n") {
                let words = line.split(separator: " ").map(String.init)
                switch words.first {
                case "add": expected.formUnion(words.dropFirst())
                case "delete": expected.subtract(words.dropFirst())
                default: break
                }
                operations += 1
            }
        }
        let index = try IndexFile.open(at: path, verify: true)
        let live = index.liveRows.map { index.ids[$0] }
        XCTAssertEqual(Set(live), expected)
        XCTAssertEqual(live.count, expected.count, "no id twice")
        for row in index.liveRows {
            XCTAssertEqual(Array(index.fast[row: row]), StoreTestData.row(index.ids[row], precision: .binary))
            XCTAssertEqual(index.rescoring.map { Array($0[row: row]) }, StoreTestData.row(index.ids[row], precision: .int8))
        }
        let perWriter = Self.rounds + Self.rounds / 3 + Self.rounds / 4
        XCTAssertEqual(operations, Self.writers.count * perWriter, "every change acknowledged")
        print("writer processes: \(operations) acknowledged changes, \(reads) verified reads meanwhile, generation \(index.generation)")
    }

    /// The child: `rounds` rounds of add two ids, every third round delete one of its own older
    /// ids, every fourth compact; each change is acknowledged in `acks-NAME` after it returns.
    private func runWriter(as name: String, to path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        XCTAssertTrue(FileManager.default.createFile(atPath: directory + "/ready-\(name)", contents: nil))
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: directory + "/go"), Date() < deadline { usleep(500) }
        let acks = open(directory + "/acks-\(name)", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard acks >= 0 else { throw POSIXError(.EIO) }
        defer { close(acks) }
        func acknowledge(_ line: String) {
            let bytes = Array((line + "\n").utf8)
            XCTAssertEqual(write(acks, bytes, bytes.count), bytes.count)
        }
        for round in 0..<Self.rounds {
            let ids = StoreTestData.ids("\(name)-\(round)", 0..<2)
            try IndexFile.add(to: path, ids: ids, fast: StoreTestData.binary(ids), rescoring: StoreTestData.int8(ids))
            acknowledge("add " + ids.joined(separator: " "))
            if round % 3 == 2 {
                let gone = "\(name)-\(round - 2)-0"
                let report = try IndexFile.delete(ids: [gone], from: path)
                XCTAssertEqual(report.deletedCount, 1, gone)
                acknowledge("delete " + gone)
            }
            if round % 4 == 3 {
                try IndexFile.compact(at: path)
                acknowledge("compact")
            }
        }
    }
}
