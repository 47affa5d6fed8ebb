import Foundation
import XCTest
@testable import EmbeddingStore

/// kill -9 at random moments during create, add, delete and compact: the file always opens
/// (with full verification) and holds exactly one of the states the writer passes through.
///
/// The writer is this test binary itself, re-run in a child mode: `testChildWriterProcess` does
/// nothing unless `EMBEDQ_STORE_CRASH_CHILD` names an index, and then applies
/// ``CrashScenario/step(at:)`` in an endless loop until the parent kills it. Because each state's
/// generation says which step comes next, a killed writer's successor continues the cycle, and
/// the parent can tell from the generation alone which contents the file must hold.
final class CrashSafetyTests: XCTestCase {
    static let childVariable = "EMBEDQ_STORE_CRASH_CHILD"

    func testKillingTheWriterLeavesOldOrNewContents() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/crash.embq"
        let ready = directory + "/ready"
        try CrashScenario.step(at: path, creating: true)

        var generator = SeededGenerator(seed: 0xC0FFEE)
        let start = Date()
        var (kills, midWrite) = (0, 0)
        var generations = Set<UInt64>()
        while kills < 60, Date().timeIntervalSince(start) < 12 {
            try? FileManager.default.removeItem(atPath: ready)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            child.arguments = ["EmbeddingStoreTests.CrashSafetyTests/testChildWriterProcess"]
            child.environment = ProcessInfo.processInfo.environment.merging([Self.childVariable: path]) { $1 }
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            // Wait until the child's writer loop runs, then let it write for 0–20 ms.
            let readyDeadline = Date().addingTimeInterval(10)
            while !FileManager.default.fileExists(atPath: ready), child.isRunning, Date() < readyDeadline { usleep(500) }
            XCTAssertTrue(child.isRunning, "the writer child stopped by itself")
            usleep(UInt32.random(in: 0...20_000, using: &generator))
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            kills += 1

            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }
            if !leftovers.isEmpty { midWrite += 1 }
            XCTAssertEqual(try IndexFile.removeStaleTemporaryFiles(besides: path), leftovers.map { directory + "/" + $0 }.sorted())

            let index = try IndexFile.open(at: path, verify: true)
            generations.insert(index.generation)
            guard let expected = CrashScenario.states[index.generation] else {
                XCTFail("generation \(index.generation) is not a state of the scenario")
                break
            }
            assertContents(of: index, equal: expected)
        }
        print("crash test: \(kills) kills, \(midWrite) during a write, generations seen \(generations.sorted())")
        XCTAssertGreaterThanOrEqual(kills, 10)
        XCTAssertGreaterThan(midWrite, 0, "no kill landed during a write")
        XCTAssertGreaterThan(generations.count, 2, "the writer made no progress between kills")
    }

    /// The writer: only active in a child started by the test above.
    func testChildWriterProcess() throws {
        guard let path = ProcessInfo.processInfo.environment[Self.childVariable] else { return }
        let ready = (path as NSString).deletingLastPathComponent + "/ready"
        _ = FileManager.default.createFile(atPath: ready, contents: nil)
        let deadline = Date().addingTimeInterval(60)  // never outlive a parent that failed to kill
        while Date() < deadline { try CrashScenario.step(at: path, creating: false) }
    }
}

/// The cycle of changes the crash test's writer repeats: generation `g` (1…8) is the state after
/// `g − 1` steps from a fresh create; the step from generation 8 re-creates generation 1.
enum CrashScenario {
    static let initial = StoreTestData.ids("a", 0..<300)

    /// Applies the step that follows the file's current generation (or creates it).
    static func step(at path: String, creating: Bool) throws {
        let generation = creating ? 8 : try IndexFile.header(at: path).generation
        switch generation {
        case 1: try add(StoreTestData.ids("b", 0..<40), to: path)
        case 2: try IndexFile.delete(ids: ["a-3", "a-7", "b-5", "unknown"], from: path)
        case 3: try add(StoreTestData.ids("c", 0..<25), to: path)
        case 4: try IndexFile.compact(at: path)
        case 5: try IndexFile.delete(ids: ["c-2", "a-0"], from: path)
        case 6: try add(["a-3", "d-0", "d-1"], to: path)
        case 7: try IndexFile.compact(at: path)
        default: try StoreTestData.createIndex(at: path, ids: initial)
        }
    }

    private static func add(_ ids: [String], to path: String) throws {
        try IndexFile.add(to: path, ids: ids, fast: StoreTestData.binary(ids), rescoring: StoreTestData.int8(ids))
    }

    /// The live ids of each generation, derived independently of the file code.
    static let states: [UInt64: ExpectedContents] = {
        var live = initial
        var states: [UInt64: ExpectedContents] = [1: ExpectedContents(liveIDs: live)]
        let changes: [([String]) -> [String]] = [
            { $0 + StoreTestData.ids("b", 0..<40) },
            { $0.filter { !["a-3", "a-7", "b-5"].contains($0) } },
            { $0 + StoreTestData.ids("c", 0..<25) },
            { $0 },
            { $0.filter { !["c-2", "a-0"].contains($0) } },
            { $0 + ["a-3", "d-0", "d-1"] },
            { $0 },
        ]
        for (step, change) in changes.enumerated() {
            live = change(live)
            states[UInt64(step + 2)] = ExpectedContents(liveIDs: live)
        }
        return states
    }()
}
