import EmbedQServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import XCTest

/// `/openapi.json` against the implementation: the same routes both ways, every reference
/// resolves, security only with keys. (The examples are sent to a real model in `MiniLMServerTests`;
/// schemathesis drives the document in `scripts/schemathesis.sh`.)
final class OpenAPIDocumentTests: XCTestCase {
    /// (method, path) of every operation in `document`.
    static func operations(_ document: [String: Any]) -> Set<String> {
        var result = Set<String>()
        for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for method in item.keys { result.insert("\(method.uppercased()) \(path)") }
        }
        return result
    }

    /// (method, path) of every route the router answers, read from Hummingbird's router.
    static func routerOperations(_ server: EmbeddingServer) -> Set<String> {
        Set(server.makeRouter().routes.map { route in
            let path = route.path.description.split(separator: "/", omittingEmptySubsequences: false).map {
                $0.hasPrefix(":") ? "{" + $0.dropFirst() + "}" : String($0)
            }.joined(separator: "/")
            return "\(route.method.rawValue) \(path.hasPrefix("/") ? path : "/" + path)"
        })
    }

    func testEveryRouteIsDocumentedAndNothingElse() async throws {
        let fixture = try TinyFixture()
        for modules in [[], [TestModule()]] as [[any ServerModule]] {
            let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), modules: modules, logger: quietLogger)
            let body = try await server.withRouter { client in Data(buffer: try await client.get("/openapi.json").body) }
            let served = try XCTUnwrap(try JSONSerialization.jsonObject(with: body) as? [String: Any])
            let router = Self.routerOperations(server)
            XCTAssertEqual(Self.operations(served), router)
            XCTAssertEqual(router.count, modules.isEmpty ? 7 : 9)
            XCTAssertTrue(router.contains("POST /v1/embeddings"))
            if !modules.isEmpty {
                XCTAssertTrue(router.contains("PUT /collections/{name}"))
                XCTAssertNotNil((served["components"] as? [String: Any]).flatMap { ($0["schemas"] as? [String: Any])?["Collection"] })
            }
        }
    }

    func testTheDocumentListsOnlyWhatThisServerCanAnswer() throws {
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine(ranges: .some(nil))), logger: quietLogger)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(server.openAPIDocument().serialized)) as? [String: Any])
        let schemas = try XCTUnwrap((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
        let properties = try XCTUnwrap((schemas["EmbeddingsRequest"] as? [String: Any])?["properties"] as? [String: [String: Any]])
        XCTAssertEqual((properties["embedding_types"]?["items"] as? [String: Any])?["enum"] as? [String],
                       ["float", "base64", "float16", "binary", "ubinary"])
        // The tiny model has no prompts: only null.
        XCTAssertEqual((properties["prompt_name"]?["enum"] as? [Any])?.count, 1)
        XCTAssertTrue((properties["prompt_name"]?["enum"] as? [Any])?.first is NSNull)
        XCTAssertEqual(((properties["input"]?["oneOf"] as? [[String: Any]])?[2]["items"] as? [String: Any])?["maximum"] as? Int, 19)
    }

    func testTheCheckCatchesAnUndocumentedRoute() throws {
        /// A module that forgets to document a route: the comparison above must see it.
        struct Undocumented: ServerModule {
            func routes(server: ServerContext) -> [ServerRoute] {
                [ServerRoute(.get, "/collections", access: .read) { _, _ in JSONResponse.make(["collections": []]) }]
            }
            func openAPIPaths(requiresKey: Bool) -> JSONValue { [:] }
            var openAPISchemas: JSONValue { [:] }
        }
        let fixture = try TinyFixture()
        let server = try EmbeddingServer(configuration: .init(), model: .loaded(fixture.engine()), modules: [Undocumented()], logger: quietLogger)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(server.openAPIDocument().serialized)) as? [String: Any])
        XCTAssertEqual(Self.routerOperations(server).subtracting(Self.operations(document)), ["GET /collections"])
    }

    func testReferencesResolveAndOperationsAreComplete() throws {
        let fixture = try TinyFixture()
        for keys in [false, true] {
            let configuration = ServerConfiguration(apiKey: keys ? "k" : nil)
            let server = try EmbeddingServer(configuration: configuration, model: .loaded(fixture.engine()), logger: quietLogger)
            let bytes = server.openAPIDocument().serialized
            let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            XCTAssertEqual(document["openapi"] as? String, "3.0.3")
            let components = try XCTUnwrap(document["components"] as? [String: Any])
            let schemas = try XCTUnwrap(components["schemas"] as? [String: Any])
            XCTAssertEqual(components["securitySchemes"] != nil, keys)
            // Every $ref names a schema.
            let text = String(decoding: bytes, as: UTF8.self)
            let references = text.matches(of: /"\$ref":"#\/components\/schemas\/([A-Za-z]+)"/).map { String($0.1) }
            XCTAssertFalse(references.isEmpty)
            for name in references { XCTAssertNotNil(schemas[name], name) }
            var operationIDs = Set<String>()
            for (path, item) in try XCTUnwrap(document["paths"] as? [String: [String: [String: Any]]]) {
                for (method, operation) in item {
                    let id = try XCTUnwrap(operation["operationId"] as? String, "\(method) \(path)")
                    XCTAssertTrue(operationIDs.insert(id).inserted, "operationId \(id) repeats")
                    let responses = try XCTUnwrap(operation["responses"] as? [String: Any])
                    XCTAssertNotNil(responses["200"], "\(method) \(path)")
                    let open = ["/health", "/ready", "/openapi.json"].contains(path)
                    XCTAssertEqual(responses["401"] != nil, keys && !open, "\(method) \(path)")
                    XCTAssertEqual(operation["security"] != nil, keys, "\(method) \(path)")
                }
            }
            // The model's numbers are in the schema.
            let request = try XCTUnwrap(schemas["EmbeddingsRequest"] as? [String: Any])
            let properties = try XCTUnwrap(request["properties"] as? [String: [String: Any]])
            XCTAssertEqual(properties["dimensions"]?["maximum"] as? Int, 8)
            XCTAssertEqual((properties["embedding_types"]?["items"] as? [String: Any])?["enum"] as? [String],
                           EmbeddingType.allCases.map(\.rawValue))
        }
    }
}
