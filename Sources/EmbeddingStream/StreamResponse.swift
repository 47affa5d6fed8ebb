import Foundation

/// One output line of a stream, in the order of the input lines.
///
/// - `{"id": ID, "embedding": BASE64}`: float32 output, `dimension` little-endian IEEE binary32
///   values (4 × dimension bytes before base64).
/// - `{"id": ID, "codes": BASE64}`: any other precision, one row of codes in the byte layout
///   of ``Precision`` (what the row of `embedq embed --precision P`'s `.npy` file holds).
/// - `{"id": ID, "error": "line N: …"}`: the line could not be encoded; `ID` is `null` when the
///   line had no readable id.
public struct StreamResponse: Sendable, Equatable {
    /// What a response carries.
    public enum Payload: Sendable, Equatable {
        /// float32 values as little-endian bytes.
        case embedding([UInt8])
        /// One row of codes.
        case codes([UInt8])
        /// Why the line was not encoded.
        case error(StreamLineError)
    }

    /// The id of the input line (`nil` when it had none that could be read).
    public let id: StreamRecordID?
    /// The vector, the codes or the error.
    public let payload: Payload

    /// Creates a response.
    public init(id: StreamRecordID?, payload: Payload) {
        self.id = id
        self.payload = payload
    }

    /// The response as one line of JSON, newline included: `id` first, then `embedding`,
    /// `codes` or `error` (standard base64 with padding).
    public var jsonLine: String {
        let idText = id?.jsonText ?? "null"
        switch payload {
        case .embedding(let bytes):
            return "{\"id\":\(idText),\"embedding\":\"\(Data(bytes).base64EncodedString())\"}\n"
        case .codes(let bytes):
            return "{\"id\":\(idText),\"codes\":\"\(Data(bytes).base64EncodedString())\"}\n"
        case .error(let error):
            return "{\"id\":\(idText),\"error\":\(JSONText.quoted(error.description))}\n"
        }
    }
}
