import EmbedQServer
import Foundation
import HTTPTypes
import HummingbirdTesting
import XCTest

/// Whatever a client sends gets a 4xx JSON error naming the problem, and the server keeps serving.
final class BadInputTests: XCTestCase {
    func testMalformedBodiesAreRejectedAndTheServerKeepsServing() async throws {
        let fixture = try TinyFixture()
        let limits = ServerLimits(maxBodyBytes: 1 << 20, maxInputsPerRequest: 4)
        let server = try EmbeddingServer(configuration: .init(limits: limits), model: .loaded(fixture.engine()), logger: quietLogger)
        try await server.withRouter { client in
            let cases: [(String, [UInt8], HTTPResponse.Status, String, String?)] = [
                ("not JSON", Array("{input: cat".utf8), .badRequest, "invalid_json", nil),
                ("truncated", Array(#"{"input": ["cat", "#.utf8), .badRequest, "invalid_json", nil),
                ("empty body", [], .badRequest, "invalid_json", "empty"),
                ("top-level array", Array(#"["cat"]"#.utf8), .badRequest, "invalid_json", "object"),
                ("top-level string", Array(#""cat""#.utf8), .badRequest, "invalid_json", "object"),
                ("invalid UTF-8", Array(#"{"input": ""#.utf8) + [0xC3, 0x28, 0xFF] + Array(#""}"#.utf8), .badRequest, "invalid_json", "UTF-8 (byte 11)"),
                ("overlong UTF-8", Array(#"{"input": ""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), .badRequest, "invalid_json", "UTF-8"),
                ("UTF-8 surrogate", Array(#"{"input": ""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), .badRequest, "invalid_json", "UTF-8"),
                ("truncated UTF-8", Array(#"{"input": "a"}"#.utf8) + [0xF0, 0x9F], .badRequest, "invalid_json", "UTF-8"),
                ("missing input", Array(#"{"model": "m"}"#.utf8), .badRequest, "invalid_request", "'input'"),
                ("input a number", Array(#"{"input": 5}"#.utf8), .badRequest, "invalid_request", "input"),
                ("input an object", Array(#"{"input": {"text": "a"}}"#.utf8), .badRequest, "invalid_request", "input"),
                ("mixed array", Array(#"{"input": ["a", 1]}"#.utf8), .badRequest, "invalid_request", "input"),
                ("float token id", Array(#"{"input": [1.5, 2]}"#.utf8), .badRequest, "invalid_request", "input"),
                ("integral float token id", Array(#"{"input": [2, 6.0, 3]}"#.utf8), .badRequest, "invalid_request", "input[1]"),
                ("exponent token id", Array(#"{"input": [[2, 6, 3], [2, 6e0]]}"#.utf8), .badRequest, "invalid_request", "input[1][1]"),
                ("boolean token id", Array(#"{"input": [2, true, 3]}"#.utf8), .badRequest, "invalid_request", "input"),
                ("huge token id", Array(#"{"input": [99999999999999999999999]}"#.utf8), .badRequest, "invalid_request", "input"),
                ("null input", Array(#"{"input": null}"#.utf8), .badRequest, "invalid_request", "input"),
                ("empty input", Array(#"{"input": []}"#.utf8), .badRequest, "invalid_request", "empty"),
                ("model a number", Array(#"{"input": "a", "model": 3}"#.utf8), .badRequest, "invalid_request", "model"),
                ("dimensions a string", Array(#"{"input": "a", "dimensions": "8"}"#.utf8), .badRequest, "invalid_request", "dimensions"),
                ("unknown encoding", Array(#"{"input": "a", "encoding_format": "hex"}"#.utf8), .badRequest, "invalid_request", "encoding_format"),
                ("unknown type", Array(#"{"input": "a", "embedding_types": ["int3"]}"#.utf8), .badRequest, "invalid_request", "embedding_types[0]"),
                ("empty types", Array(#"{"input": "a", "embedding_types": []}"#.utf8), .badRequest, "invalid_request", "embedding_types"),
                ("too many inputs", Array(#"{"input": ["a", "b", "c", "d", "e"]}"#.utf8), .unprocessableContent, "unprocessable", "5 inputs"),
                ("deep nesting", Array(String(repeating: "[", count: 100_000).utf8), .badRequest, "invalid_json", nil),
            ]
            for (name, body, status, type, fragment) in cases {
                let response = try await client.post("/v1/embeddings", bytes: body, headers: [.contentType: "application/json"])
                try response.assertError(status, type: type, mentioning: fragment)
                XCTAssertEqual(response.status, status, name)
            }
            let still = try await client.post("/v1/embeddings", json: #"{"input": "the cat"}"#)
            XCTAssertEqual(still.status, .ok)
        }
    }

    func testBodiesOverTheLimitAre413() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        try await server.withRouter { client in
            // 60 MB of a valid-looking request: refused by size before any parsing.
            var body = Array(#"{"input": ""#.utf8)
            body += [UInt8](repeating: UInt8(ascii: "a"), count: 60_000_000)
            body += Array(#""}"#.utf8)
            let response = try await client.post("/v1/embeddings", bytes: body, headers: [.contentType: "application/json"])
            try response.assertError(.contentTooLarge, type: "payload_too_large", mentioning: "\(ServerLimits.defaultMaxBodyBytes)")
            let still = try await client.post("/v1/embeddings", json: #"{"input": "the cat"}"#)
            XCTAssertEqual(still.status, .ok)
        }
    }

    func testUnknownRoutesAre404AndWrongMethods405() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        try await server.withRouter { client in
            try await client.get("/v2/embeddings").assertError(.notFound, type: "not_found", mentioning: "/v2/embeddings")
            try await client.get("/collections/docs").assertError(.notFound, type: "not_found")
            try await client.get("/").assertError(.notFound)
            let wrong = try await client.get("/v1/embeddings")
            try wrong.assertError(.methodNotAllowed, type: "method_not_allowed")
            XCTAssertEqual(wrong.headers[.allow], "POST")
            let delete = try await client.execute(uri: "/health", method: .delete) { $0 }
            try delete.assertError(.methodNotAllowed)
            XCTAssertEqual(delete.headers[.allow], "GET")
        }
    }

    func testLongAndOddTextsAreServed() async throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), logger: quietLogger)
        let texts = ["", " ", "\u{0}\u{1}\u{7F}", "🙂🙂🙂", String(repeating: "é", count: 50_000), "\u{200B}\u{FEFF}", "[CLS] [SEP] [PAD]"]
        let expected = try fixture.expected(texts)
        try await server.withRouter { client in
            let body = try JSONSerialization.data(withJSONObject: ["input": texts])
            let response = try await client.post("/v1/embeddings", bytes: Array(body))
            XCTAssertEqual(response.status, .ok, response.text)
            let vectors = openAIVectors(try response.object())
            XCTAssertEqual(vectors.count, texts.count)
            for (row, vector) in vectors.enumerated() {
                XCTAssertEqual(vector, Array(expected[row: row]), "text \(row)")
            }
        }
    }
}
