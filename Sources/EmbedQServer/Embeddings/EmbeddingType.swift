import EmbeddingQuantization

/// One output format of `"embedding_types"` (Cohere's embed API, plus EmbedQ's own).
///
/// Each value is a list per input of JSON numbers (or a string for `base64`):
/// - `float`: float32 values.
/// - `base64`: the float32 values as little-endian bytes, base64-encoded (one string per input).
/// - `float16`: the float16 (IEEE binary16, round to nearest even) values, widened to numbers.
/// - `int8`, `uint8`: one code per dimension, with the server's ranges (`GET /v1/ranges`).
/// - `binary`, `ubinary`: `ceil(d / 8)` bytes, bit = value > 0, most-significant bit first,
///   zero-padded; `ubinary` the byte (0…255), `binary` the byte − 128 (−128…127).
/// - `ternary`: `2 · ceil(d / 8)` bytes (0…255): the bit-plane of values above the threshold, then
///   the bit-plane of values below minus the threshold, each most-significant bit first.
///
/// The codes are exactly the bytes `embedq quantize -p <type> --ranges <the server's ranges>`
/// writes for the same float embeddings.
public enum EmbeddingType: String, Sendable, CaseIterable, Decodable {
    case float
    case base64
    case float16
    case int8
    case uint8
    case binary
    case ubinary
    case ternary

    /// The precision the codes come from (`nil` for the float32 formats).
    public var precision: Precision? {
        switch self {
        case .float, .base64: return nil
        case .float16: return .float16
        case .int8: return .int8
        case .uint8: return .uint8
        case .binary: return .binary
        case .ubinary: return .ubinary
        case .ternary: return .ternary
        }
    }
}
