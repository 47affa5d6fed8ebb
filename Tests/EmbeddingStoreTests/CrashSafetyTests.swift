import Foundation
import XCTest
@testable import EmbeddingStore

/// kill -9 at random moments during create, add, delete and compact: the file always opens
/// (with full verification) and holds exactly one of the states the writer passes through.
///
/// The writer is this test binary itself, re-run in a child mode: `testWriterCycle` (in a child
/// started with `EMBEDQ_STORE_CRASH_CHILD` naming an index) applies ``CrashScenario/step(at:creating:)``
/// in an endless loop until the parent kills it, appending one byte to a progress file after
/// each completed step. Because each state's generation says which step comes next, a killed
/// writer's successor continues the cycle, and the parent can tell from the generation alone
/// which contents the file must hold.
///
/// The work is counted, not timed: a fixed number of kills, each after a seeded number of
/// completed steps (0–2) plus a seeded delay (0–20 ms), so a slow machine runs the same test,
/// only longer; a generous time limit turns a hung writer into a failure, never a pass.
final class CrashSafetyTests: XCTestCase {
    static let childVariable = "EMBEDQ_STORE_CRASH_CHILD"
    static let unsafeVariable = "EMBEDQ_STORE_CRASH_CHILD_IN_PLACE"
    /// The longest a kill loop may take before it fails (far above the few seconds it needs).
    static let timeLimit: TimeInterval = 300

    func testKillingTheWriterLeavesOldOrNewContents() throws {
        let outcome = try killLoop(inPlace: false, kills: 16)
        print("crash test: \(outcome.kills) kills, \(outcome.midWrite) during a write, generations seen \(outcome.generations.sorted())")
        XCTAssertEqual(outcome.failures, [])
        XCTAssertEqual(outcome.kills, 16)
        XCTAssertGreaterThan(outcome.midWrite, 0, "no kill landed during a write")
        XCTAssertGreaterThan(outcome.generations.count, 2, "the writer made no progress between kills")
    }

    /// Negative control: the same loop with a writer that overwrites the file in place (no
    /// temporary file, no rename) must produce files that fail to open or hold a state that
    /// never existed — evidence that the test above could see a non-atomic writer.
    func testInPlaceWriterIsCaught() throws {
        let outcome = try killLoop(inPlace: true, kills: 10)
        print("crash test, in-place writer: \(outcome.kills) kills, \(outcome.failures.count) torn files caught")
        XCTAssertEqual(outcome.kills, 10)
        XCTAssertGreaterThan(outcome.failures.count, 0, "killing an in-place writer never produced a torn file")
    }

    private struct Outcome {
        var kills = 0
        var midWrite = 0
        var generations = Set<UInt64>()
        var failures: [String] = []
    }

    private func killLoop(inPlace: Bool, kills: Int) throws -> Outcome {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/crash.embq"
        let progress = directory + "/progress"
        try CrashScenario.step(at: path, creating: true)

        var generator = SeededGenerator(seed: inPlace ? 0xBAD : 0xC0FFEE)
        let deadline = Date().addingTimeInterval(Self.timeLimit)
        var outcome = Outcome()
        while outcome.kills < kills {
            guard Date() < deadline else {
                XCTFail("only \(outcome.kills) of \(kills) kills in \(Self.timeLimit) s: a writer hangs or never starts")
                break
            }
            let stepsBeforeKill = Int.random(in: 0...2, using: &generator)
            let delay = UInt32.random(in: 0...20_000, using: &generator)
            try? FileManager.default.removeItem(atPath: progress)
            let child = Process()
            child.executableURL = URL(fileURLWithPath: "/proc/self/exe")
            child.arguments = ["EmbeddingStoreTests.CrashSafetyTests/testWriterCycle"]
            var environment = ProcessInfo.processInfo.environment
            environment[Self.childVariable] = path
            environment[Self.unsafeVariable] = inPlace ? "1" : nil
            child.environment = environment
            child.standardOutput = FileHandle.nullDevice
            child.standardError = FileHandle.nullDevice
            try child.run()
            // Wait until the child's writer loop runs and has completed `stepsBeforeKill` steps
            // (one progress byte when it starts, one per step), then let it write for `delay` µs.
            func progressBytes() -> Int {
                ((try? FileManager.default.attributesOfItem(atPath: progress))?[.size] as? Int) ?? 0
            }
            while progressBytes() < 1 + stepsBeforeKill, child.isRunning, Date() < deadline { usleep(500) }
            XCTAssertTrue(child.isRunning, "the writer child stopped by itself")
            usleep(delay)
            kill(child.processIdentifier, SIGKILL)
            child.waitUntilExit()
            outcome.kills += 1

            let leftovers = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".tmp") }
            if !leftovers.isEmpty { outcome.midWrite += 1 }
            XCTAssertEqual(try IndexFile.removeStaleTemporaryFiles(besides: path), leftovers.map { directory + "/" + $0 }.sorted())

            var failure: String?
            do {
                let index = try IndexFile.open(at: path, verify: true)
                outcome.generations.insert(index.generation)
                if let expected = CrashScenario.states[index.generation] {
                    if !holds(index, expected) { failure = "generation \(index.generation) does not hold its state's contents" }
                } else {
                    failure = "generation \(index.generation) is no state of the scenario"
                }
            } catch {
                failure = "\(error)"
            }
            if let failure {
                outcome.failures.append("kill \(outcome.kills): \(failure)")
                try CrashScenario.step(at: path, creating: true)  // start again from a good file
            }
        }
        return outcome
    }

    /// Whether `index` holds exactly `expected`: live ids in order and every live row's codes.
    private func holds(_ index: OpenIndex, _ expected: ExpectedContents) -> Bool {
        let live = index.liveRows
        guard live.map({ index.ids[$0] }) == expected.liveIDs, let rescoring = index.rescoring else { return false }
        return live.allSatisfy { row in
            Array(index.fast[row: row]) == StoreTestData.row(index.ids[row], precision: .binary)
                && Array(rescoring[row: row]) == StoreTestData.row(index.ids[row], precision: .int8)
        }
    }

    /// In a child started by the kill loop: the writer, stepping until it is killed. In the test
    /// run itself: one full cycle of the scenario, each generation checked against the state
    /// ``CrashScenario/states`` derives independently — the premise the kill loop relies on.
    func testWriterCycle() throws {
        let environment = ProcessInfo.processInfo.environment
        guard let path = environment[Self.childVariable] else {
            let directory = try makeTemporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let path = directory + "/cycle.embq"
            try CrashScenario.step(at: path, creating: true)
            for step in 1...(CrashScenario.states.count + 1) {
                let index = try IndexFile.open(at: path, verify: true)
                let expected = try XCTUnwrap(CrashScenario.states[index.generation], "generation \(index.generation)")
                XCTAssertEqual(index.generation, UInt64((step - 1) % CrashScenario.states.count + 1))
                assertContents(of: index, equal: expected)
                try CrashScenario.step(at: path, creating: false)
            }
            return
        }
        let directory = (path as NSString).deletingLastPathComponent
        let progress = open(directory + "/progress", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard progress >= 0 else { throw POSIXError(.EIO) }
        let tick: [UInt8] = [1]
        _ = write(progress, tick, 1)
        let deadline = Date().addingTimeInterval(120)  // never outlive a parent that failed to kill
        while Date() < deadline {
            if environment[Self.unsafeVariable] == nil {
                try CrashScenario.step(at: path, creating: false)
            } else {
                try CrashScenario.inPlaceStep(at: path, scratch: directory + "/scratch")
            }
            _ = write(progress, tick, 1)
        }
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

    /// The same step done wrongly, for the negative control: computed on a scratch copy, then
    /// written over `path` in place, 256 bytes at a time with `fdatasync` after each, so that a
    /// kill tears the file.
    static func inPlaceStep(at path: String, scratch: String) throws {
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let copy = scratch + "/copy.embq"
        try writeBytes(fileBytes(path), to: copy)
        try step(at: copy, creating: false)
        let bytes = try fileBytes(copy)
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(.EIO) }
        defer { close(descriptor) }
        for start in stride(from: 0, to: bytes.count, by: 256) {
            let end = min(start + 256, bytes.count)
            _ = bytes[start..<end].withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, off_t(start)) }
            _ = fdatasync(descriptor)
        }
        _ = ftruncate(descriptor, off_t(bytes.count))
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
