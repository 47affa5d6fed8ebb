import EmbeddingStream
import Foundation
import XCTest

/// Batching, line numbering, oversized lines and the "do not wait for a full batch" rule of
/// ``StreamLineReader``, over files and pipes.
final class StreamLineReaderTests: XCTestCase {
    private func temporaryFile(_ contents: [UInt8]) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-stream-\(UUID().uuidString).jsonl")
        try Data(contents).write(to: url)
        addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }

    /// Every batch of a reader over `contents`, each element the line number or the error.
    private func batches(_ contents: [UInt8], limit: Int, maximumLineBytes: Int = 1 << 20) throws -> [[String]] {
        let url = try temporaryFile(contents)
        let descriptor = open(url.path, O_RDONLY)
        XCTAssertGreaterThanOrEqual(descriptor, 0)
        defer { close(descriptor) }
        var reader = StreamLineReader(fileDescriptor: descriptor, maximumLineBytes: maximumLineBytes)
        var result: [[String]] = []
        while let batch = try reader.nextBatch(limit: limit) {
            result.append(batch.map { line in
                switch line {
                case .success(let record): return "\(record.line):\(record.text)"
                case .failure(let failure): return failure.error.description
                }
            })
        }
        return result
    }

    func testBatchesHoldAtMostTheLimitAndBlankLinesCountButYieldNothing() throws {
        let lines = (1...10).map { #"{"id": \#($0), "text": "t\#($0)"}"# }
        var text = lines[0..<4].joined(separator: "\n") + "\n\n  \r\n" + lines[4...].joined(separator: "\n")
        XCTAssertEqual(try batches(Array(text.utf8), limit: 3), [
            ["1:t1", "2:t2", "3:t3"], ["4:t4", "7:t5", "8:t6"], ["9:t7", "10:t8", "11:t9"], ["12:t10"],
        ])
        text += "\n"
        XCTAssertEqual(try batches(Array(text.utf8), limit: 100).map(\.count), [10])
        XCTAssertEqual(try batches([], limit: 4), [])
        XCTAssertEqual(try batches(Array("\n\n".utf8), limit: 4), [])
    }

    func testAnOversizedLineIsReportedOnceAndTheNextLinesAreRead() throws {
        let long = #"{"id": 2, "text": ""# + String(repeating: "x", count: 300_000) + "\"}"
        let text = [#"{"id": 1, "text": "a"}"#, long, #"{"id": 3, "text": "c"}"#, long].joined(separator: "\n")
        // The long line spans several reads (64 KiB each) before its newline.
        XCTAssertEqual(try batches(Array(text.utf8), limit: 10, maximumLineBytes: 1000), [
            ["1:a", "line 2: longer than 1000 bytes", "3:c", "line 4: longer than 1000 bytes"],
        ])
        // Exactly at the limit is accepted.
        let exact = #"{"id": 1, "text": "abc"}"#
        XCTAssertEqual(try batches(Array(exact.utf8), limit: 10, maximumLineBytes: exact.utf8.count), [["1:abc"]])
        XCTAssertEqual(try batches(Array(exact.utf8), limit: 10, maximumLineBytes: exact.utf8.count - 1),
                       [["line 1: longer than \(exact.utf8.count - 1) bytes"]])
    }

    func testAPausedWriterGetsItsLinesAnsweredWithoutFillingTheBatch() throws {
        var descriptors: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&descriptors), 0)
        let (readEnd, writeEnd) = (descriptors[0], descriptors[1])
        defer { close(readEnd) }
        let firstBatchDone = DispatchSemaphore(value: 0)
        let writer = Thread {
            let first = Array("{\"id\": 1, \"text\": \"a\"}\n{\"id\": 2, \"text\": \"b\"}\n".utf8)
            _ = first.withUnsafeBytes { write(writeEnd, $0.baseAddress!, first.count) }
            // A reader that waits for a full batch would only see the third line with the first two.
            _ = firstBatchDone.wait(timeout: .now() + 5)
            let second = Array("{\"id\": 3, \"text\": \"c\"}".utf8)
            _ = second.withUnsafeBytes { write(writeEnd, $0.baseAddress!, second.count) }
            close(writeEnd)
        }
        writer.start()
        var reader = StreamLineReader(fileDescriptor: readEnd)
        let first = try XCTUnwrap(reader.nextBatch(limit: 32))
        firstBatchDone.signal()
        XCTAssertEqual(first.compactMap { try? $0.get().text }, ["a", "b"])
        let second = try XCTUnwrap(reader.nextBatch(limit: 32))
        XCTAssertEqual(second.compactMap { try? $0.get().text }, ["c"])
        XCTAssertNil(try reader.nextBatch(limit: 32))
    }
}
