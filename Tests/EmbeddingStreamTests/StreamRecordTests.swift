import EmbeddingStream
import Foundation
import XCTest

/// Parsing of input lines and rendering of response lines; the responses are read back with
/// `JSONSerialization` and `Data(base64Encoded:)`, which share no code with the writer.
final class StreamRecordTests: XCTestCase {
    private func parse(_ line: String, number: Int = 7) -> Result<StreamRecord, StreamLineFailure> {
        StreamRecord.parse(Array(line.utf8), line: number)
    }

    func testValidLinesKeepTheirIdKindAndIgnoreOtherMembers() throws {
        XCTAssertEqual(try parse(#"{"id": "d-1", "text": "Statins lower LDL."}"#).get(),
                       StreamRecord(id: .string("d-1"), text: "Statins lower LDL.", line: 7))
        XCTAssertEqual(try parse(#"{"text": "", "id": -42, "title": "x"}"#).get(),
                       StreamRecord(id: .integer(-42), text: "", line: 7))
        XCTAssertEqual(try parse("{\"id\":\"\u{00E9}\\n\",\"text\":\"\\u00e9 \u{4E2D}\"}\r").get(),
                       StreamRecord(id: .string("\u{00E9}\n"), text: "\u{00E9} \u{4E2D}", line: 7))
    }

    func testEachKindOfBadLineGetsItsOwnError() {
        let cases: [(String, StreamLineFailure)] = [
            ("{\"id\": 1, \"text\": ", StreamLineFailure(id: nil, error: .invalidJSON(line: 7))),
            ("not json", StreamLineFailure(id: nil, error: .invalidJSON(line: 7))),
            ("[1, 2]", StreamLineFailure(id: nil, error: .notAnObject(line: 7))),
            ("\"text\"", StreamLineFailure(id: nil, error: .notAnObject(line: 7))),
            (#"{"text": "no id"}"#, StreamLineFailure(id: nil, error: .missingID(line: 7))),
            (#"{"id": null, "text": "x"}"#, StreamLineFailure(id: nil, error: .missingID(line: 7))),
            (#"{"id": 1.5, "text": "x"}"#, StreamLineFailure(id: nil, error: .invalidID(line: 7))),
            (#"{"id": true, "text": "x"}"#, StreamLineFailure(id: nil, error: .invalidID(line: 7))),
            (#"{"id": {"a": 1}, "text": "x"}"#, StreamLineFailure(id: nil, error: .invalidID(line: 7))),
            (#"{"id": "a"}"#, StreamLineFailure(id: .string("a"), error: .missingText(line: 7))),
            (#"{"id": 3, "text": 12}"#, StreamLineFailure(id: .integer(3), error: .missingText(line: 7))),
            (#"{"id": 3, "text": null}"#, StreamLineFailure(id: .integer(3), error: .missingText(line: 7))),
        ]
        for (line, expected) in cases {
            switch parse(line) {
            case .success(let record): XCTFail("\(line) parsed as \(record)")
            case .failure(let failure): XCTAssertEqual(failure, expected, line)
            }
        }
        let invalidUTF8: [UInt8] = Array(#"{"id": "a", "text": ""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8)
        XCTAssertThrowsError(try StreamRecord.parse(invalidUTF8, line: 2).get())
    }

    func testResponseLinesAreOneJSONObjectWithTheIdFirst() throws {
        let bytes: [UInt8] = [0, 1, 2, 250, 255]
        let awkwardID = "q\"\\\n\t\u{01}\u{7F}\u{00E9}\u{1F600}"
        let lines = [
            StreamResponse(id: .string(awkwardID), payload: .codes(bytes)).jsonLine,
            StreamResponse(id: .integer(Int64.min), payload: .embedding(bytes)).jsonLine,
            StreamResponse(id: nil, payload: .error(.invalidJSON(line: 4))).jsonLine,
            StreamResponse(id: .integer(9), payload: .error(.encodingFailed(line: 5, reason: "bad \"x\"\n"))).jsonLine,
        ]
        for line in lines {
            XCTAssertTrue(line.hasSuffix("\n"))
            XCTAssertEqual(line.filter { $0 == "\n" }.count, 1, line)
            XCTAssertTrue(line.hasPrefix("{\"id\":"), line)
        }
        func object(_ line: String) throws -> [String: Any] {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
        let first = try object(lines[0])
        XCTAssertEqual(first["id"] as? String, awkwardID)
        XCTAssertEqual(Data(base64Encoded: try XCTUnwrap(first["codes"] as? String)).map(Array.init), bytes)
        XCTAssertEqual(first.count, 2)
        let second = try object(lines[1])
        XCTAssertEqual((second["id"] as? NSNumber)?.int64Value, Int64.min)
        XCTAssertEqual(Data(base64Encoded: try XCTUnwrap(second["embedding"] as? String)).map(Array.init), bytes)
        let third = try object(lines[2])
        XCTAssertTrue(third["id"] is NSNull)
        XCTAssertEqual(third["error"] as? String, "line 4: not valid JSON")
        XCTAssertEqual(try object(lines[3])["error"] as? String, "line 5: bad \"x\"\n")
    }
}
