import EmbedQTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import XCTest

/// `embedq serve --collections DIR` end to end: concurrent upserts over HTTP, `kill -9` while
/// they run, a restart on the same folder, and every point whose upsert got a 2xx is there with
/// its vector and payload (a point of an unanswered upsert is all there or absent). Raw seeded
/// vectors of 16 dimensions, so no text is encoded.
final class ServeCollectionsDurabilityTests: XCTestCase {
    /// Writers sending upserts at once.
    static let writers = 8
    /// Points per upsert.
    static let batch = 5
    static let dimension = 16

    /// The vector of point `id`: exact binary fractions, so JSON carries them without rounding.
    static func vector(writer: Int, request: Int, point: Int) -> [Float] {
        (0..<dimension).map { Float((writer * 7919 + request * 131 + point * 17 + $0 * 3) % 1000 - 500) / 8 }
    }

    static func id(writer: Int, request: Int, point: Int) -> String { "w\(writer)-r\(request)-p\(point)" }

    func testEveryAcknowledgedUpsertSurvivesKill9() async throws {
        let model = try SharedData.file("models/all-MiniLM-L6-v2")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("embedq-durable-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let arguments = ["--model", model.path, "--collections", directory.appendingPathComponent("collections").path, "--log-level", "warning"]

        let first = try ServeCommandTests.ServerProcess(arguments: arguments, in: directory)
        var killed = false
        defer { if !killed { first.process.terminate() } }
        try await Self.waitUntilReady(port: first.port)
        try await TestClient.withClient(host: "127.0.0.1", port: first.port) { client in
            let created = try await client.put("/collections/raw", headers: [.contentType: "application/json"],
                                               body: ByteBuffer(string: #"{"dimension": \#(Self.dimension)}"#))
            XCTAssertEqual(created.status, .ok, String(buffer: created.body ?? ByteBuffer()))
        }

        // Writers upsert until the server dies; the kill comes once 40 upserts were acknowledged.
        let acknowledged = Acknowledged()
        let port = first.port
        let pid = first.process.processIdentifier
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<Self.writers {
                group.addTask {
                    _ = try? await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        for request in 0..<10_000 {
                            let points: [[String: Any]] = (0..<Self.batch).map { point in
                                ["id": Self.id(writer: writer, request: request, point: point),
                                 "vector": Self.vector(writer: writer, request: request, point: point).map(Double.init),
                                 "payload": ["writer": writer, "request": request, "point": point]]
                            }
                            let body = try JSONSerialization.data(withJSONObject: ["points": points])
                            acknowledged.sent(writer: writer, request: request)
                            let response = try await client.put("/collections/raw/points", headers: [.contentType: "application/json"],
                                                                body: ByteBuffer(bytes: body))
                            guard (200..<300).contains(response.status.code) else { return }
                            if acknowledged.add(writer: writer, request: request) == 40 { kill(pid, SIGKILL) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        first.process.waitUntilExit()
        killed = true
        XCTAssertEqual(first.process.terminationReason, .uncaughtSignal, "the server was killed")
        let acked = acknowledged.requests
        XCTAssertGreaterThanOrEqual(acked.count, 40)

        // Restart on the same folder: every acknowledged point is there, exactly.
        let second = try ServeCommandTests.ServerProcess(arguments: arguments, in: directory)
        var stopped = false
        defer { if !stopped { second.process.terminate() } }
        try await Self.waitUntilReady(port: second.port)
        try await TestClient.withClient(host: "127.0.0.1", port: second.port) { client in
            let described = try Self.object(try await client.get("/collections/raw"))
            let count = try XCTUnwrap(described["points_count"] as? Int)
            XCTAssertGreaterThanOrEqual(count, acked.count * Self.batch)
            XCTAssertLessThanOrEqual(count, acknowledged.sentCount * Self.batch)
            for (writer, request) in acked {
                for point in 0..<Self.batch {
                    let response = try await client.get("/collections/raw/points/\(Self.id(writer: writer, request: request, point: point))")
                    XCTAssertEqual(response.status, .ok, "acknowledged point w\(writer)-r\(request)-p\(point) is missing")
                    guard response.status == .ok else { continue }
                    let stored = try Self.object(response)
                    XCTAssertEqual((stored["vector"] as? [NSNumber])?.map(\.floatValue), Self.vector(writer: writer, request: request, point: point))
                    let payload = stored["payload"] as? [String: Any]
                    XCTAssertEqual(payload?["writer"] as? Int, writer)
                    XCTAssertEqual(payload?["request"] as? Int, request)
                    XCTAssertEqual(payload?["point"] as? Int, point)
                }
            }
            // An upsert never answered is all there or absent (one batch is atomic).
            for (writer, request) in acknowledged.unanswered {
                var present = 0
                for point in 0..<Self.batch {
                    let response = try await client.get("/collections/raw/points/\(Self.id(writer: writer, request: request, point: point))")
                    if response.status == .ok { present += 1 }
                }
                XCTAssertTrue(present == 0 || present == Self.batch, "w\(writer)-r\(request): \(present) of \(Self.batch) points")
            }
        }
        let (status, log) = second.terminate()
        stopped = true
        XCTAssertEqual(status, 0, log)
    }

    static func waitUntilReady(port: Int) async throws {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            for _ in 0..<1200 {
                if try await client.get("/ready").status == .ok { return }
                try await Task.sleep(for: .milliseconds(25))
            }
            XCTFail("the server never became ready")
        }
    }

    static func object(_ response: TestClient.Response) throws -> [String: Any] {
        let body = response.body ?? ByteBuffer()
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any], String(buffer: body))
    }
}

/// The upserts sent and the ones answered 2xx, from many tasks.
private final class Acknowledged: @unchecked Sendable {
    private let lock = NSLock()
    private var sentRequests: Set<[Int]> = []
    private var answered: [[Int]] = []

    func sent(writer: Int, request: Int) { lock.withLock { _ = sentRequests.insert([writer, request]) } }

    /// Records an acknowledged upsert; returns how many there are now.
    func add(writer: Int, request: Int) -> Int {
        lock.withLock {
            answered.append([writer, request])
            return answered.count
        }
    }

    var requests: [(writer: Int, request: Int)] { lock.withLock { answered.map { ($0[0], $0[1]) } } }
    var sentCount: Int { lock.withLock { sentRequests.count } }
    var unanswered: [(writer: Int, request: Int)] {
        lock.withLock { sentRequests.subtracting(answered).map { ($0[0], $0[1]) } }
    }
}
