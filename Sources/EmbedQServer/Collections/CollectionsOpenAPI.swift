import EmbeddingQuantization

/// The OpenAPI description of the collections routes (see ``CollectionsModule``).
enum CollectionsOpenAPI {
    private static func reference(_ name: String) -> JSONValue { OpenAPIDocument.reference(name) }

    private static func body(_ schema: String) -> JSONValue {
        ["required": true, "content": ["application/json": ["schema": reference(schema)]]]
    }

    private static let name: JSONValue = [
        "name": "name", "in": "path", "required": true,
        "schema": ["type": "string", "pattern": "^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,63}$"],
    ]

    static func paths(requiresKey: Bool) -> JSONValue {
        func operation(_ id: String, _ summary: String, _ access: RouteAccess, body: String? = nil,
                       ok: (String, JSONValue), errors codes: [Int]) -> JSONValue {
            var value = OpenAPIDocument.operation(
                id, summary, access: access, requiresKey: requiresKey, requestBody: body.map(Self.body),
                responses: [("200", ok.1.setting("description", to: .string(ok.0)))]
                    + OpenAPIDocument.errors(codes, requiresKey: requiresKey, access: access))
            if id != "listCollections" { value = value.setting("parameters", to: .array([name] + (id == "getPoint" ? [pointID] : []))) }
            return value
        }
        func json(_ schema: String) -> JSONValue { ["content": ["application/json": ["schema": reference(schema)]]] }
        return [
            "/collections": ["get": operation(
                "listCollections", "Every collection", .read, ok: ("The collections", json("CollectionList")), errors: [])],
            "/collections/{name}": [
                "put": operation("createCollection", "Create a collection", .write, body: "CreateCollection",
                                 ok: ("The new collection", json("Collection")), errors: [400, 409, 413, 422, 503]),
                "get": operation("getCollection", "Describe a collection", .read,
                                 ok: ("The collection", json("Collection")), errors: [404]),
                "delete": operation("deleteCollection", "Delete a collection and its files", .write,
                                    ok: ("Deleted", json("Deleted")), errors: [404, 409]),
            ],
            "/collections/{name}/points": ["put": operation(
                "upsertPoints", "Insert or replace points (vectors, or texts embedded by the server); answered once durable",
                .write, body: "UpsertPoints", ok: ("Written", json("Upserted")), errors: [400, 404, 409, 413, 422, 429, 503])],
            "/collections/{name}/points/{id}": ["get": operation(
                "getPoint", "One point", .read, ok: ("The point", json("Point")), errors: [404])],
            "/collections/{name}/points/delete": ["post": operation(
                "deletePoints", "Delete points by ids or filter", .write, body: "DeletePoints",
                ok: ("Deleted", json("DeletedPoints")), errors: [400, 404, 409, 413, 422, 429])],
            "/collections/{name}/search": ["post": operation(
                "searchCollection", "The k best points for a vector or a text", .read, body: "SearchCollection",
                ok: ("The hits, best first", json("SearchHits")), errors: [400, 404, 413, 422, 429, 503])],
            "/collections/{name}/snapshot": ["get": operation(
                "getSnapshot", "A consistent copy of the collection (with --collections: a ustar archive of its folder)", .read,
                ok: ("The file", ["content": ["application/octet-stream": ["schema": ["type": "string", "format": "binary"]]]]),
                errors: [404, 429])],
        ]
    }

    private static let pointID: JSONValue = ["name": "id", "in": "path", "required": true, "schema": ["type": "string", "minLength": 1]]

    private static let id: JSONValue = ["oneOf": [["type": "string", "minLength": 1], ["type": "integer", "minimum": 0]]]
    private static let vector: JSONValue = ["type": "array", "items": ["type": "number"]]
    private static let filter: JSONValue = [
        "type": "object", "nullable": true,
        "description": "Qdrant's filter: must / should / must_not lists of {key, match: {value | any}}, {key, range: {gt, gte, lt, lte}}, {has_id: [ids]} or nested filters",
        "properties": ["must": ["type": "array", "items": ["type": "object"]], "should": ["type": "array", "items": ["type": "object"]],
                       "must_not": ["type": "array", "items": ["type": "object"]]],
    ]
    private static let precisions: JSONValue = .array(Precision.allCases.map { .string($0.rawValue) })

    static let schemas: JSONValue = [
        "Collection": [
            "type": "object", "required": ["name", "dimension", "precision", "index", "points_count", "read_only"],
            "properties": [
                "name": ["type": "string"], "dimension": ["type": "integer"], "precision": ["type": "string"],
                "rescore": ["type": "string", "nullable": true], "model": ["type": "string", "nullable": true],
                "index": ["type": "string"], "points_count": ["type": "integer"], "read_only": ["type": "boolean"],
            ],
        ],
        "CollectionList": ["type": "object", "required": ["collections"],
                           "properties": ["collections": ["type": "array", "items": ["$ref": "#/components/schemas/Collection"]]]],
        "CreateCollection": [
            "type": "object",
            "properties": [
                "dimension": ["type": "integer", "minimum": 1, "nullable": true],
                "precision": ["type": "string", "enum": precisions, "nullable": true],
                "rescore": ["type": "string", "enum": precisions, "nullable": true],
                "ranges": ["type": "array", "items": vector, "minItems": 2, "maxItems": 3, "nullable": true],
                "calibration": ["type": "object", "required": ["points"], "properties": ["points": ["type": "integer", "minimum": 2]], "nullable": true],
                "model": ["type": "string", "nullable": true],
                "index": [
                    "type": "string", "enum": .array(CollectionSpec.IndexKind.allCases.map { .string($0.rawValue) }), "nullable": true,
                    "description": "flat (exact scan, the default) or hnsw (an HNSW graph per segment, M 16, ef_construction 128; graph is a synonym)",
                ],
            ],
        ],
        "Deleted": ["type": "object", "required": ["deleted"], "properties": ["deleted": ["type": "string"]]],
        "UpsertPoints": [
            "type": "object", "required": ["points"],
            "properties": ["points": ["type": "array", "minItems": 1, "items": [
                "type": "object", "required": ["id"],
                "properties": ["id": id, "vector": vector, "text": ["type": "string"], "payload": ["type": "object", "nullable": true]],
            ]]],
        ],
        "Upserted": ["type": "object", "required": ["status", "upserted"],
                     "properties": ["status": ["type": "string"], "upserted": ["type": "integer"]]],
        "Point": ["type": "object", "required": ["id", "payload"],
                  "properties": ["id": ["type": "string"], "payload": ["type": "object", "nullable": true], "vector": vector]],
        "DeletePoints": ["type": "object", "properties": ["points": ["type": "array", "items": id, "nullable": true], "filter": filter]],
        "DeletedPoints": ["type": "object", "required": ["status", "deleted"],
                          "properties": ["status": ["type": "string"], "deleted": ["type": "integer"]]],
        "SearchCollection": [
            "type": "object",
            "properties": [
                "vector": vector, "text": ["type": "string"],
                "k": ["type": "integer", "minimum": 1, "maximum": .int(CollectionsModule.maximumK), "nullable": true],
                "filter": filter, "rescore": ["type": "boolean", "nullable": true], "with_payload": ["type": "boolean", "nullable": true],
                "ef": [
                    "type": "integer", "minimum": 1, "nullable": true,
                    "description": "hnsw collections: candidates the graph walk keeps (default 64, at least the candidates rescored)",
                ],
                "exact": ["type": "boolean", "nullable": true, "description": "hnsw collections: scan every segment exactly"],
            ],
        ],
        "SearchHits": [
            "type": "object", "required": ["hits", "metric", "higher_is_better"],
            "properties": [
                "hits": ["type": "array", "items": [
                    "type": "object", "required": ["id", "score"],
                    "properties": ["id": ["type": "string"], "score": ["type": "number"], "payload": ["type": "object", "nullable": true]],
                ]],
                "metric": ["type": "string"], "higher_is_better": ["type": "boolean"],
            ],
        ],
    ]
}
