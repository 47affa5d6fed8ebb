/// The body of `POST /v1/embeddings` (OpenAI's embeddings request, with Cohere's
/// `embedding_types` and `input_type`, and sentence-transformers' `prompt_name`).
public struct EmbeddingsRequest: Sendable, Decodable {
    /// What to embed.
    public var input: EmbeddingInputs
    /// The model the client names; the server answers with its own model whatever this says.
    public var model: String?
    /// `float` (default) or `base64` (little-endian float32), for the OpenAI-shaped answer.
    public var encodingFormat: EncodingFormat?
    /// Keep the first `dimensions` values (re-normalized when the model normalizes).
    public var dimensions: Int?
    /// The formats of a Cohere-shaped answer; absent → the OpenAI shape.
    public var embeddingTypes: [EmbeddingType]?
    /// Cohere's `search_query` / `search_document` (or `query` / `document`): picks a prompt.
    public var inputType: String?
    /// The name of one of the model's prompts (sentence-transformers `prompt_name`).
    public var promptName: String?
    /// `end` (default): cut inputs longer than the model's limit; `none`: refuse them (422).
    public var truncate: Truncation?
    /// OpenAI's end-user id; accepted and ignored.
    public var user: String?

    /// The float output encodings of the OpenAI-shaped answer.
    public enum EncodingFormat: String, Sendable, Decodable {
        case float, base64
    }

    /// What happens to inputs over the model's token limit (`end` / `none`, or Cohere's `END` / `NONE`).
    public enum Truncation: String, Sendable, Decodable {
        case end, none

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard text == text.lowercased() || text == text.uppercased(), let value = Truncation(rawValue: text.lowercased()) else {
                throw DecodingError.dataCorrupted(.init(
                    codingPath: decoder.codingPath, debugDescription: "'\(text)' is not one of end, none, END, NONE"))
            }
            self = value
        }
    }

    enum CodingKeys: String, CodingKey {
        case input, model, dimensions, truncate, user
        case encodingFormat = "encoding_format"
        case embeddingTypes = "embedding_types"
        case inputType = "input_type"
        case promptName = "prompt_name"
    }
}
