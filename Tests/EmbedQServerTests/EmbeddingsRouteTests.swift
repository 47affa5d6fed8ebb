import EmbeddingQuantization
import EmbedQServer
import Foundation
import HummingbirdTesting
import SentenceEncoder
import XCTest

/// `POST /v1/embeddings` and `GET /v1/ranges` against the tiny model: shapes, values equal to the
/// library's (bit for bit), codes equal to `EmbeddingQuantizer`'s with the server's ranges.
final class EmbeddingsRouteTests: XCTestCase {
    func testOneTextAnswersTheOpenAIShapeWithTheEncodersVector() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        let expected = try fixture.expected(["the cat sat on the mat."])
        try await server.withRouter { client in
            let response = try await client.post("/v1/embeddings", json: #"{"input": "the cat sat on the mat.", "model": "x"}"#)
            XCTAssertEqual(response.status, .ok, response.text)
            XCTAssertEqual(response.headers[.contentType], "application/json")
            let object = try response.object()
            XCTAssertEqual(object["object"] as? String, "list")
            XCTAssertEqual(object["model"] as? String, "tiny")
            let data = try XCTUnwrap(object["data"] as? [[String: Any]])
            XCTAssertEqual(data.count, 1)
            XCTAssertEqual(data[0]["object"] as? String, "embedding")
            XCTAssertEqual(data[0]["index"] as? Int, 0)
            XCTAssertEqual(floats(data[0]["embedding"]), Array(expected[row: 0]))
            // [CLS] the cat sat on the mat . [SEP]
            let usage = try XCTUnwrap(object["usage"] as? [String: Any])
            XCTAssertEqual(usage["prompt_tokens"] as? Int, 9)
            XCTAssertEqual(usage["total_tokens"] as? Int, 9)
        }
    }

    func testBatchesOfTextsAndTokenArraysAndBase64() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        let texts = Array(TinyFixture.texts.prefix(4))
        let expected = try fixture.expected(texts)
        let ids = try texts.map { try fixture.encoder.tokenize($0).map(Int.init) }
        try await server.withRouter { client in
            let batch = try await client.post("/v1/embeddings", json: String(decoding: try JSONSerialization.data(withJSONObject: ["input": texts]), as: UTF8.self))
            XCTAssertEqual(openAIVectors(try batch.object()), expected.rows)

            // Token ids (what `embedq tokenize` prints) give the same vectors as the texts.
            let tokens = try await client.post("/v1/embeddings", json: String(decoding: try JSONSerialization.data(withJSONObject: ["input": ids]), as: UTF8.self))
            XCTAssertEqual(openAIVectors(try tokens.object()), expected.rows)
            let single = try await client.post("/v1/embeddings", json: String(decoding: try JSONSerialization.data(withJSONObject: ["input": ids[1]]), as: UTF8.self))
            XCTAssertEqual(openAIVectors(try single.object()), [Array(expected[row: 1])])

            // base64: little-endian float32 bytes, bit for bit.
            let encoded = try await client.post("/v1/embeddings", json: String(decoding: try JSONSerialization.data(withJSONObject: ["input": texts, "encoding_format": "base64"]), as: UTF8.self))
            let data = try XCTUnwrap(try encoded.object()["data"] as? [[String: Any]])
            for (row, item) in data.enumerated() {
                let bytes = try XCTUnwrap(Data(base64Encoded: try XCTUnwrap(item["embedding"] as? String)))
                let values = stride(from: 0, to: bytes.count, by: 4).map { offset in
                    Float(bitPattern: bytes[offset..<offset + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
                }
                XCTAssertEqual(values.map(\.bitPattern), expected[row: row].map(\.bitPattern))
            }
        }
    }

    func testEmbeddingTypesAreTheQuantizersBytesWithTheServersRanges() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        let texts = Array(TinyFixture.texts.suffix(5))
        let expected = try fixture.expected(texts)
        let types = ["float", "int8", "uint8", "binary", "ubinary", "float16", "ternary", "base64"]
        try await server.withRouter { client in
            let body = try JSONSerialization.data(withJSONObject: ["input": texts, "embedding_types": types + ["int8"]])
            let response = try await client.post("/v1/embeddings", json: String(decoding: body, as: UTF8.self))
            XCTAssertEqual(response.status, .ok, response.text)
            let object = try response.object()
            XCTAssertEqual(object["response_type"] as? String, "embeddings_by_type")
            XCTAssertNotNil(object["id"] as? String)
            XCTAssertEqual(object["texts"] as? [String], texts)
            let meta = try XCTUnwrap(object["meta"] as? [String: Any])
            XCTAssertEqual((meta["billed_units"] as? [String: Any])?["input_tokens"] as? Int,
                           try texts.reduce(0) { try $0 + fixture.encoder.tokenize($1).count })
            let embeddings = try XCTUnwrap(object["embeddings"] as? [String: Any])
            XCTAssertEqual(Set(embeddings.keys), Set(types))
            XCTAssertEqual(floats((embeddings["float"] as? [Any])?.first), Array(expected[row: 0]))
            for (name, precision) in [("int8", Precision.int8), ("uint8", .uint8), ("binary", .binary), ("ubinary", .ubinary), ("ternary", .ternary)] {
                let codes = try EmbeddingQuantizer(precision: precision, ranges: fixture.ranges).quantize(expected)
                let rows = integerRows(embeddings[name])
                XCTAssertEqual(rows.count, texts.count, name)
                let bytes = rows.flatMap { $0.map { UInt8(truncatingIfNeeded: $0) } }
                XCTAssertEqual(bytes, codes.codes, name)
                let signed = precision == .int8 || precision == .binary
                XCTAssertTrue(rows.joined().allSatisfy { signed ? (-128...127).contains($0) : (0...255).contains($0) }, name)
            }
            // binary = ubinary − 128, one byte per 8 dimensions (most-significant bit first).
            XCTAssertEqual(integerRows(embeddings["binary"]), integerRows(embeddings["ubinary"]).map { $0.map { $0 - 128 } })
            XCTAssertEqual(integerRows(embeddings["ubinary"])[0].count, 1)
            let half = try EmbeddingQuantizer(precision: .float16).quantize(expected)
            let halves = (embeddings["float16"] as? [[Any]] ?? []).flatMap { $0 }.map { HalfPrecision.float16Bits(from: Float(($0 as! NSNumber).doubleValue)) }
            XCTAssertEqual(halves.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }, half.codes)
            let base64 = try XCTUnwrap(embeddings["base64"] as? [String])
            XCTAssertEqual(base64.count, texts.count)
            XCTAssertEqual(Data(base64Encoded: base64[2])?.count, fixture.encoder.dimension * 4)
        }
    }

    func testDimensionsCutAndRenormalize() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        let expected = try fixture.expected(["a big red dog !"])
        try await server.withRouter { client in
            let response = try await client.post("/v1/embeddings", json: #"{"input": ["a big red dog !"], "dimensions": 3}"#)
            let vector = try XCTUnwrap(openAIVectors(try response.object()).first)
            let kept = Array(expected[row: 0].prefix(3))
            let norm = kept.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
            XCTAssertEqual(vector, kept.map { $0 * Float(1 / norm) })
            XCTAssertEqual(vector.reduce(0) { $0 + Double($1) * Double($1) }, 1, accuracy: 1e-6)

            // The full dimension is the vector unchanged.
            let full = try await client.post("/v1/embeddings", json: #"{"input": "a big red dog !", "dimensions": 8}"#)
            XCTAssertEqual(openAIVectors(try full.object()), [Array(expected[row: 0])])
            // Bits of a cut vector are the signs of its first values; int8 needs ranges of that width.
            let bits = try await client.post("/v1/embeddings", json: #"{"input": "a big red dog !", "dimensions": 3, "embedding_types": ["ubinary"]}"#)
            let signs = kept.enumerated().reduce(0) { $0 | ($1.element > 0 ? 1 << (7 - $1.offset) : 0) }
            XCTAssertEqual(integerRows((try bits.object()["embeddings"] as? [String: Any])?["ubinary"]), [[signs]])
            try await client.post("/v1/embeddings", json: #"{"input": "a", "dimensions": 3, "embedding_types": ["int8"]}"#)
                .assertError(.unprocessableContent, type: "unprocessable", mentioning: "ranges")
            for bad in ["0", "9", "-1"] {
                try await client.post("/v1/embeddings", json: #"{"input": "a", "dimensions": \#(bad)}"#)
                    .assertError(.unprocessableContent, mentioning: "dimensions")
            }
        }
    }

    func testTruncation() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        let long = Array(repeating: "cat", count: 30).joined(separator: " ")
        let exact = Array(repeating: "cat", count: 10).joined(separator: " ")  // 10 + 2 = 12 tokens: the limit
        let expected = try fixture.expected([long, exact])
        try await server.withRouter { client in
            let cut = try await client.post("/v1/embeddings", json: #"{"input": "\#(long)"}"#)
            XCTAssertEqual(openAIVectors(try cut.object()), [Array(expected[row: 0])])
            XCTAssertEqual((try cut.object()["usage"] as? [String: Any])?["prompt_tokens"] as? Int, 12)
            try await client.post("/v1/embeddings", json: #"{"input": "\#(long)", "truncate": "none"}"#)
                .assertError(.unprocessableContent, mentioning: "32 tokens")
            try await client.post("/v1/embeddings", json: #"{"input": ["a", "\#(long)"], "truncate": "NONE"}"#)
                .assertError(.unprocessableContent, mentioning: "input[1]")
            let fits = try await client.post("/v1/embeddings", json: #"{"input": "\#(exact)", "truncate": "none"}"#)
            XCTAssertEqual(openAIVectors(try fits.object()), [Array(expected[row: 1])])
            // Token arrays: `end` keeps the first 12 ids, `none` refuses 13.
            let ids = Array(repeating: 6, count: 13)
            let kept = try await client.post("/v1/embeddings", json: #"{"input": \#(ids), "truncate": "end"}"#)
            XCTAssertEqual((try kept.object()["usage"] as? [String: Any])?["prompt_tokens"] as? Int, 12)
            try await client.post("/v1/embeddings", json: #"{"input": \#(ids), "truncate": "none"}"#)
                .assertError(.unprocessableContent, mentioning: "13 tokens")
            try await client.post("/v1/embeddings", json: #"{"input": "a", "truncate": "start"}"#)
                .assertError(.badRequest, type: "invalid_request", mentioning: "truncate")
        }
    }

    func testRequestsTheServerCannotServeAre422() async throws {
        let fixture = try TinyFixture()
        let withoutRanges = try EmbeddingServer(
            configuration: .init(), model: .loaded(fixture.engine(ranges: .some(nil))), logger: quietLogger)
        try await withoutRanges.withRouter { client in
            for type in ["int8", "uint8", "ternary"] {
                try await client.post("/v1/embeddings", json: #"{"input": "a", "embedding_types": ["\#(type)"]}"#)
                    .assertError(.unprocessableContent, mentioning: "--ranges")
            }
            // Bits and halves need no ranges.
            let bits = try await client.post("/v1/embeddings", json: #"{"input": "a", "embedding_types": ["binary", "float16"]}"#)
            XCTAssertEqual(bits.status, .ok)
            try await client.get("/v1/ranges").assertError(.notFound, mentioning: "no ranges")
        }
        let twoRowRanges = try QuantizationRanges(minimums: fixture.ranges.minimums, maximums: fixture.ranges.maximums)
        let noThresholds = try EmbeddingServer(
            configuration: .init(), model: .loaded(fixture.engine(ranges: twoRowRanges)), logger: quietLogger)
        try await noThresholds.withRouter { client in
            try await client.post("/v1/embeddings", json: #"{"input": "a", "embedding_types": ["ternary"]}"#)
                .assertError(.unprocessableContent, mentioning: "thresholds")
            let int8 = try await client.post("/v1/embeddings", json: #"{"input": "a", "embedding_types": ["int8"]}"#)
            XCTAssertEqual(int8.status, .ok)
        }
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        try await server.withRouter { client in
            try await client.post("/v1/embeddings", json: #"{"input": "a", "prompt_name": "query"}"#)
                .assertError(.unprocessableContent, mentioning: "prompts not supported by this model")
            try await client.post("/v1/embeddings", json: #"{"input": "a", "input_type": "search_query"}"#)
                .assertError(.unprocessableContent, mentioning: "prompts not supported by this model")
            try await client.post("/v1/embeddings", json: #"{"input": "a", "embedding_types": ["int8"], "encoding_format": "base64"}"#)
                .assertError(.unprocessableContent, mentioning: "base64")
            try await client.post("/v1/embeddings", json: #"{"input": [[2, 6, 3], [2, 20, 3]]}"#)
                .assertError(.unprocessableContent, mentioning: "input[1][1]")
            try await client.post("/v1/embeddings", json: #"{"input": [2, -1, 3]}"#)
                .assertError(.unprocessableContent, mentioning: "-1")
            try await client.post("/v1/embeddings", json: #"{"input": [[2, 6, 3], []]}"#)
                .assertError(.unprocessableContent, mentioning: "empty token array")
        }
    }

    func testRangesRouteReturnsTheServersRanges() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        try await server.withRouter { client in
            let response = try await client.get("/v1/ranges")
            XCTAssertEqual(response.status, .ok)
            let object = try response.object()
            XCTAssertEqual(object["model"] as? String, "tiny")
            let rows = try XCTUnwrap(object["ranges"] as? [Any])
            XCTAssertEqual(rows.count, 2)
            XCTAssertEqual(floats(rows[0]), fixture.ranges.minimums)
            XCTAssertEqual(floats(rows[1]), fixture.ranges.maximums)
            XCTAssertEqual(floats(object["ternary_thresholds"]), fixture.ranges.ternaryThresholds)
        }
    }

    func testPromptsAreTheEncodersPrompts() async throws {
        let folder = try TinyBertFolder.write()
        try #"{"prompts": {"query": "the big ", "document": ""}, "default_prompt_name": null}"#
            .write(to: folder.appendingPathComponent("config_sentence_transformers.json"), atomically: true, encoding: .utf8)
        let encoder = try SentenceEncoder(folder: folder, threadCount: 2)
        XCTAssertEqual(encoder.prompts.keys.sorted(), ["document", "query"])
        let server = try EmbeddingServer(
            configuration: .init(), model: .loaded(EmbeddingEngine(encoder: encoder, modelName: "tiny", ranges: nil)), logger: quietLogger)
        let texts = ["a red mat", "dog on the cat"]
        let query = try encoder.encodeRowMajor(texts, prompt: .named("query"))
        let plain = try encoder.encodeRowMajor(texts, prompt: .text(""))
        XCTAssertNotEqual(query, plain, "the prompt changes the vectors")
        try await server.withRouter { client in
            for field in [#""input_type": "search_query""#, #""prompt_name": "query""#] {
                let answer = try await client.post("/v1/embeddings", json: #"{"input": ["a red mat", "dog on the cat"], \#(field)}"#).object()
                XCTAssertEqual(openAIVectors(answer).flatMap { $0 }, query, field)
                XCTAssertEqual((answer["usage"] as? [String: Any])?["prompt_tokens"] as? Int,
                               try texts.reduce(0) { try $0 + encoder.tokenize("the big " + $1).count }, field)
            }
            let none = try await client.post("/v1/embeddings", json: #"{"input": ["a red mat", "dog on the cat"]}"#).object()
            XCTAssertEqual(openAIVectors(none).flatMap { $0 }, plain)
            try await client.post("/v1/embeddings", json: #"{"input": "a", "prompt_name": "passage"}"#)
                .assertError(.unprocessableContent, mentioning: "its prompts: document, query")
        }
    }
}
