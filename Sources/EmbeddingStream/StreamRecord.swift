import EmbeddingCollection
import Foundation

/// One input line of a stream: `{"id": …, "text": "…"}`, with an optional `"payload": {…}` that
/// is read when the stream builds a collection segment (other members are ignored).
public struct StreamRecord: Sendable, Equatable {
    /// The id echoed on the response line.
    public let id: StreamRecordID
    /// The text to encode.
    public let text: String
    /// The 1-based input line it came from (named by errors).
    public let line: Int
    /// The point's payload (`"payload"` member), when payloads are read and the line has one.
    public let payload: Payload?

    /// Creates a record.
    public init(id: StreamRecordID, text: String, line: Int, payload: Payload? = nil) {
        self.id = id
        self.text = text
        self.line = line
        self.payload = payload
    }

    /// Parses one line (without its newline) numbered `line` (1-based).
    ///
    /// - Parameter readingPayloads: whether a `"payload"` member is read (a payload that is not
    ///   an object of strings, numbers, booleans and arrays of them is then
    ///   ``StreamLineError/invalidPayload(line:)``); otherwise it is ignored like any other member.
    /// - Returns: the record, or the error and, when the line has a readable id, that id, so the
    ///   error line can carry it.
    public static func parse(_ bytes: some Collection<UInt8>, line: Int, readingPayloads: Bool = false) -> Result<StreamRecord, StreamLineFailure> {
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(bytes))
        } catch DecodingError.typeMismatch {
            return .failure(StreamLineFailure(id: nil, error: .notAnObject(line: line)))
        } catch {
            return .failure(StreamLineFailure(id: nil, error: .invalidJSON(line: line)))
        }
        guard fields.hasID else { return .failure(StreamLineFailure(id: nil, error: .missingID(line: line))) }
        guard let id = fields.id else { return .failure(StreamLineFailure(id: nil, error: .invalidID(line: line))) }
        guard let text = fields.text else { return .failure(StreamLineFailure(id: id, error: .missingText(line: line))) }
        guard readingPayloads, fields.hasPayload else { return .success(StreamRecord(id: id, text: text, line: line)) }
        guard let payload = fields.payload else { return .failure(StreamLineFailure(id: id, error: .invalidPayload(line: line))) }
        return .success(StreamRecord(id: id, text: text, line: line, payload: payload))
    }

    /// The members read leniently, so each problem gets its own error.
    private struct Fields: Decodable {
        var hasID = false
        var id: StreamRecordID?
        var text: String?
        var hasPayload = false
        var payload: Payload?

        enum CodingKeys: String, CodingKey { case id, text, payload }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hasID = container.contains(.id) && !((try? container.decodeNil(forKey: .id)) ?? false)
            id = try? container.decode(StreamRecordID.self, forKey: .id)
            text = try? container.decode(String.self, forKey: .text)
            hasPayload = container.contains(.payload) && !((try? container.decodeNil(forKey: .payload)) ?? false)
            if hasPayload { payload = try? container.decode(Payload.self, forKey: .payload) }
        }
    }
}

/// A line that produced no record: the error and the line's id when it could be read.
public struct StreamLineFailure: Error, Sendable, Equatable {
    /// The id of the line, when it had a valid one.
    public let id: StreamRecordID?
    /// What was wrong.
    public let error: StreamLineError

    /// Creates a failure.
    public init(id: StreamRecordID?, error: StreamLineError) {
        self.id = id
        self.error = error
    }
}
