import Foundation
import XCTest
@testable import SentenceEncoder

/// One ``SentenceEncoder`` shared by many threads (its documented use) gives, bit for bit, the
/// vectors the same calls give one at a time: nothing in a forward pass writes shared state.
final class SharedEncoderTests: XCTestCase {
    /// Each of `threads` threads encodes its own subset of `texts` `repeats` times at once;
    /// every result must equal the subset's vectors computed beforehand by one caller.
    private func assertSharedEncoderIsDeterministic(
        _ encoder: SentenceEncoder, texts: [String], threads: Int, repeats: Int, batchSize: Int,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let subsets = (0..<threads).map { thread in
            texts.indices.filter { ($0 + thread) % 3 != 0 }.map { texts[($0 * (thread + 1)) % texts.count] }
        }
        let expected = try subsets.map { try encoder.encodeRowMajor($0, batchSize: batchSize) }
        let results = ResultBox(count: threads)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for _ in 0..<repeats {
                do {
                    results.record(try encoder.encodeRowMajor(subsets[thread], batchSize: batchSize) == expected[thread], thread: thread)
                } catch {
                    results.record(false, thread: thread)
                }
            }
        }
        XCTAssertEqual(results.mismatches, Array(repeating: 0, count: threads), "threads whose vectors differed", file: file, line: line)
        XCTAssertEqual(results.calls, Array(repeating: repeats, count: threads), file: file, line: line)
    }

    func testTinyModelSharedByEightThreads() throws {
        let folder = try temporaryFolder(for: self)
        try TinyModel().write(to: folder)
        let texts = ["the cat sat on the mat.", "a big red dog running!", "cats, dogs", "", "the the the cat",
                     "red mat", "dog sat on a big cat.", "running cats!"]
        for precision in WeightPrecision.allCases {
            let encoder = try SentenceEncoder(folder: folder, threadCount: 2, weights: precision)
            try assertSharedEncoderIsDeterministic(encoder, texts: texts, threads: 8, repeats: 20, batchSize: 3)
        }
    }

    func testRealModelSharedByFourThreads() throws {
        let texts = try SharedData.jsonLines(SharedData.file("golden/embeddings_texts.jsonl")).prefix(60).map {
            try XCTUnwrap($0["text"] as? String)
        }
        // Short texts only (a few seconds on two busy cores): every fourth of the first 60.
        let sample = stride(from: 0, to: texts.count, by: 4).map { texts[$0] }.filter { $0.count < 400 }
        let encoder = try SentenceEncoder(folder: SharedData.modelFolder(), threadCount: 2)
        try assertSharedEncoderIsDeterministic(encoder, texts: sample, threads: 4, repeats: 2, batchSize: 4)
    }
}

/// Per-thread counters, written under a lock.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var mismatches: [Int]
    private(set) var calls: [Int]

    init(count: Int) {
        mismatches = Array(repeating: 0, count: count)
        calls = Array(repeating: 0, count: count)
    }

    func record(_ matched: Bool, thread: Int) {
        lock.lock()
        defer { lock.unlock() }
        calls[thread] += 1
        if !matched { mismatches[thread] += 1 }
    }
}
