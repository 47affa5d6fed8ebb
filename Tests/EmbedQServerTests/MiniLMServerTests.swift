import EmbeddingQuantization
import EmbedQServer
import EmbedQTestSupport
import Foundation
import HummingbirdTesting
import SentenceEncoder
import XCTest

/// The real all-MiniLM-L6-v2 from ../shared: concurrent single-text requests (so the batcher
/// mixes them into shared passes) answer the bytes one batch encode gives, and the codes of
/// `EmbeddingQuantizer` with the server's ranges; the OpenAPI document's examples succeed.
final class MiniLMServerTests: XCTestCase {
    static func texts(_ count: Int) throws -> [String] {
        let url = try SharedData.file("golden/embeddings_texts.jsonl")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        return try lines.prefix(count).map { line in
            try XCTUnwrap((try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["text"] as? String)
        }
    }

    static func engine() throws -> (EmbeddingEngine, SentenceEncoder, QuantizationRanges) {
        let folder = try SharedData.file("models/all-MiniLM-L6-v2")
        let ranges = try RangesFile.read(contentsOf: try SharedData.file("golden/quantize/minilm_calibrated/ranges.npy").path)
        let encoder = try SentenceEncoder(folder: folder)
        let engine = try EmbeddingEngine(encoder: encoder, modelName: "all-MiniLM-L6-v2", ranges: ranges, maxBatchTokens: 2048)
        return (engine, encoder, ranges)
    }

    func testConcurrentRequestsAnswerTheBatchEncodersBytes() async throws {
        let texts = try Self.texts(48)
        let (engine, encoder, ranges) = try Self.engine()
        // What `embedq embed` computes for the whole file (one call, batches of 32).
        let expected = try EmbeddingMatrix(rowCount: texts.count, dimension: 384,
                                           values: encoder.encodeRowMajor(texts, batchSize: 32))
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(engine), logger: quietLogger)
        let bodies = try await server.withRouter { client in
            try await withThrowingTaskGroup(of: (Int, Data).self) { group in
                for (index, text) in texts.enumerated() {
                    group.addTask {
                        let body = try JSONSerialization.data(withJSONObject: [
                            "input": [text], "embedding_types": ["base64", "int8", "uint8", "binary", "ubinary"],
                        ])
                        let response = try await client.post("/v1/embeddings", bytes: Array(body))
                        XCTAssertEqual(response.status, .ok, response.text)
                        return (index, Data(buffer: response.body))
                    }
                }
                var bodies = [Data](repeating: Data(), count: texts.count)
                for try await (index, body) in group { bodies[index] = body }
                return bodies
            }
        }
        let answers = try bodies.map { body in
            try XCTUnwrap((try JSONSerialization.jsonObject(with: body) as? [String: Any])?["embeddings"] as? [String: Any])
        }
        for (row, answer) in answers.enumerated() {
            let bytes = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap((answer["base64"] as? [String])?.first)))
            let values = stride(from: 0, to: bytes.count, by: 4).map { offset in
                Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            }
            XCTAssertEqual(values.map(\.bitPattern), expected[row: row].map(\.bitPattern), "text \(row): \(texts[row])")
        }
        for (name, precision) in [("int8", Precision.int8), ("uint8", .uint8), ("binary", .binary), ("ubinary", .ubinary)] {
            let codes = try EmbeddingQuantizer(precision: precision, ranges: ranges).quantize(expected)
            let served = answers.flatMap { integerRows($0[name]).flatMap { $0.map { UInt8(truncatingIfNeeded: $0) } } }
            XCTAssertEqual(served, codes.codes, name)
        }
    }

    func testTheDocumentsExamplesSucceed() async throws {
        let (engine, _, _) = try Self.engine()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(engine), logger: quietLogger)
        try await server.withRouter { client in
            let document = try await client.get("/openapi.json").object()
            let paths = try XCTUnwrap(document["paths"] as? [String: [String: Any]])
            let post = try XCTUnwrap(paths["/v1/embeddings"]?["post"] as? [String: Any])
            let content = try XCTUnwrap(((post["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any])
            let examples = try XCTUnwrap(content["examples"] as? [String: [String: Any]])
            XCTAssertGreaterThanOrEqual(examples.count, 4)
            for (name, example) in examples {
                let body = try JSONSerialization.data(withJSONObject: try XCTUnwrap(example["value"]))
                let response = try await client.post("/v1/embeddings", bytes: Array(body))
                XCTAssertEqual(response.status, .ok, "\(name): \(response.text)")
                let object = try response.object()
                let shape = object["embeddings"] != nil ? "EmbeddingsByType" : "EmbeddingsList"
                let schema = try XCTUnwrap(((document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]])?[shape])
                for key in try XCTUnwrap(schema["required"] as? [String]) { XCTAssertNotNil(object[key], "\(name): \(key)") }
            }
        }
    }
}
