import Foundation

/// One input line of a stream: `{"id": …, "text": "…"}` (other members are ignored).
public struct StreamRecord: Sendable, Equatable {
    /// The id echoed on the response line.
    public let id: StreamRecordID
    /// The text to encode.
    public let text: String
    /// The 1-based input line it came from (named by errors).
    public let line: Int

    /// Creates a record.
    public init(id: StreamRecordID, text: String, line: Int) {
        self.id = id
        self.text = text
        self.line = line
    }

    /// Parses one line (without its newline) numbered `line` (1-based).
    ///
    /// - Returns: the record, or the error and, when the line has a readable id, that id, so the
    ///   error line can carry it.
    public static func parse(_ bytes: some Collection<UInt8>, line: Int) -> Result<StreamRecord, StreamLineFailure> {
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
        return .success(StreamRecord(id: id, text: text, line: line))
    }

    /// The members read leniently, so each problem gets its own error.
    private struct Fields: Decodable {
        var hasID = false
        var id: StreamRecordID?
        var text: String?

        enum CodingKeys: String, CodingKey { case id, text }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            hasID = container.contains(.id) && !((try? container.decodeNil(forKey: .id)) ?? false)
            id = try? container.decode(StreamRecordID.self, forKey: .id)
            text = try? container.decode(String.self, forKey: .text)
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
