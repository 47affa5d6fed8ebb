import EmbedQServer
import XCTest

/// Qdrant-shaped filters: must / should / must_not, match value / any, range, has_id, nesting,
/// array fields, missing keys, and the errors that name the bad part.
final class PointFilterTests: XCTestCase {
    private func filter(_ text: String) throws -> PointFilter {
        try PointFilter(json: JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)), field: "filter")
    }

    private let payload: JSONValue = ["lang": "en", "year": 2021, "score": 0.5, "tags": ["a", "b"], "meta": ["draft": true]]

    func testConditions() throws {
        let cases: [(String, Bool)] = [
            (#"{"must": [{"key": "lang", "match": {"value": "en"}}]}"#, true),
            (#"{"must": [{"key": "lang", "match": {"value": "de"}}]}"#, false),
            (#"{"must": [{"key": "year", "match": {"value": 2021.0}}]}"#, true),
            (#"{"must": [{"key": "year", "range": {"gte": 2021, "lt": 2022}}]}"#, true),
            (#"{"must": [{"key": "year", "range": {"gt": 2021}}]}"#, false),
            (#"{"must": [{"key": "score", "range": {"lte": 0.5}}]}"#, true),
            (#"{"must": [{"key": "tags", "match": {"value": "b"}}]}"#, true),
            (#"{"must": [{"key": "tags", "match": {"any": ["x", "a"]}}]}"#, true),
            (#"{"must": [{"key": "tags", "match": {"any": ["x"]}}]}"#, false),
            (#"{"must": [{"key": "meta.draft", "match": {"value": true}}]}"#, true),
            (#"{"must": [{"key": "missing", "match": {"value": 1}}]}"#, false),
            (#"{"must_not": [{"key": "missing", "match": {"value": 1}}]}"#, true),
            (#"{"must_not": [{"key": "lang", "match": {"value": "en"}}]}"#, false),
            (#"{"should": [{"key": "lang", "match": {"value": "de"}}, {"has_id": ["7"]}]}"#, true),
            (#"{"should": [{"key": "lang", "match": {"value": "de"}}, {"has_id": [8]}]}"#, false),
            (#"{"must": [{"should": [{"key": "year", "range": {"lt": 2000}}, {"key": "lang", "match": {"value": "en"}}]}]}"#, true),
            (#"{"must": {"has_id": [7]}}"#, true),
            (#"{}"#, true),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(try filter(text).matches(id: "7", payload: payload), expected, text)
        }
        XCTAssertFalse(try filter(#"{"must": [{"key": "lang", "match": {"value": "en"}}]}"#).matches(id: "7", payload: nil))
        XCTAssertFalse(try filter(#"{"must": [{"has_id": ["1"]}]}"#).readsPayload)
        XCTAssertTrue(try filter(#"{"must": [{"has_id": ["1"]}, {"must": [{"key": "a", "match": {"value": 1}}]}]}"#).readsPayload)
    }

    func testMalformedFiltersNameTheirPart() throws {
        let cases: [(String, String)] = [
            (#"[1]"#, "'filter' must be an object"),
            (#"{"must": 3}"#, "'filter.must' must be a list"),
            (#"{"must": [3]}"#, "'filter.must[0]' must be a condition"),
            (#"{"must": [{"key": "a"}]}"#, "'filter.must[0]': a condition on 'key'"),
            (#"{"must": [{"match": {"value": 1}}]}"#, "needs 'key'"),
            (#"{"must": [{"key": "a", "match": {"value": [1]}}]}"#, "match.value"),
            (#"{"must": [{"key": "a", "match": {"anything": 1}}]}"#, "'value' or 'any'"),
            (#"{"must": [{"key": "a", "range": {}}]}"#, "range"),
            (#"{"must": [{"key": "a", "range": {"ge": 1}}]}"#, "range.ge"),
            (#"{"should": [{"has_id": [-1]}]}"#, "has_id[0]"),
            (#"{"must_nt": []}"#, "filter.must_nt"),
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try filter(text), text) { error in
                guard case .invalid(let message) = error as? CollectionStoreError else { return XCTFail("\(error)") }
                XCTAssertTrue(message.contains(fragment), "\(message) lacks \(fragment)")
            }
        }
    }
}
