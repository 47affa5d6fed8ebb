import EmbeddingQuantization
import EmbedQServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import SentenceEncoder
import XCTest

/// A logger that drops everything (tests stay quiet).
let quietLogger = Logger(label: "embedq-test") { _ in SwiftLogNoOpLogHandler() }

/// The tiny model, its encoder, and ranges calibrated on its embeddings of a few texts.
struct TinyFixture {
    static let texts = [
        "the cat sat on the mat.", "a big red dog !", "the dogs run", "cats sat , mat", "running dog", "the big cat",
        "a red mat", "dog on the cat", "the the the", "big big red red dog dog cat cat mat mat !",
    ]

    let folder: URL
    let encoder: SentenceEncoder
    let ranges: QuantizationRanges

    init() throws {
        folder = try TinyBertFolder.write()
        encoder = try SentenceEncoder(folder: folder, threadCount: 2)
        let values = try encoder.encodeRowMajor(Self.texts)
        ranges = try Calibration.ranges(from: EmbeddingMatrix(rowCount: Self.texts.count, dimension: encoder.dimension, values: values))
    }

    /// An engine over the tiny encoder.
    func engine(ranges: QuantizationRanges?? = .none, maxBatchTokens: Int = 64) throws -> EmbeddingEngine {
        try EmbeddingEngine(encoder: encoder, modelName: "tiny", ranges: ranges ?? self.ranges, maxBatchTokens: maxBatchTokens)
    }

    /// The library's vectors for `texts` (one encode call): what the server must answer.
    func expected(_ texts: [String]) throws -> EmbeddingMatrix {
        try EmbeddingMatrix(rowCount: texts.count, dimension: encoder.dimension, values: encoder.encodeRowMajor(texts))
    }
}

extension EmbeddingServer {
    /// Runs `test` against the router (no sockets), services included.
    func withRouter<Value: Sendable>(_ test: @escaping @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        try await makeApplication().test(.router) { client in try await test(client) }
    }
}

extension TestClientProtocol {
    /// POSTs `body` (a JSON string) to `uri`.
    func post(_ uri: String, json body: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await execute(uri: uri, method: .post, headers: fields, body: ByteBuffer(string: body)) { $0 }
    }

    /// POSTs raw bytes to `uri`.
    func post(_ uri: String, bytes: [UInt8], headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes)) { $0 }
    }

    /// GETs `uri`.
    func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers) { $0 }
    }
}

extension TestResponse {
    /// The body as a JSON object.
    func object(file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let data = Data(buffer: body)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            XCTFail("not a JSON object: \(String(decoding: data, as: UTF8.self))", file: file, line: line)
            return [:]
        }
        return object
    }

    /// The body as text.
    var text: String { String(buffer: body) }

    /// Asserts an error answer: the status, a `{"error", "type"}` body, and `type`.
    func assertError(_ status: HTTPResponse.Status, type: String? = nil, mentioning fragment: String? = nil,
                     file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertEqual(self.status, status, text, file: file, line: line)
        XCTAssertEqual(headers[.contentType], "application/json", file: file, line: line)
        let object = try self.object(file: file, line: line)
        XCTAssertEqual(Set(object.keys), ["error", "type"], text, file: file, line: line)
        XCTAssertNotNil(object["error"] as? String, file: file, line: line)
        if let type { XCTAssertEqual(object["type"] as? String, type, text, file: file, line: line) }
        if let fragment {
            XCTAssertTrue((object["error"] as? String ?? "").contains(fragment), "\(text) lacks '\(fragment)'", file: file, line: line)
        }
    }
}

/// `value` (a JSON array of numbers) as floats.
func floats(_ value: Any?) -> [Float] {
    (value as? [Any] ?? []).map { Float(($0 as? NSNumber)?.doubleValue ?? .nan) }
}

/// `value` (a JSON array of arrays of integers) as rows of Ints.
func integerRows(_ value: Any?) -> [[Int]] {
    (value as? [[Any]] ?? []).map { $0.map { ($0 as? NSNumber)?.intValue ?? Int.min } }
}

/// The `data[i].embedding` arrays of an OpenAI-shaped answer.
func openAIVectors(_ object: [String: Any]) -> [[Float]] {
    (object["data"] as? [[String: Any]] ?? []).map { floats($0["embedding"]) }
}
