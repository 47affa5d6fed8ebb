import EmbeddingQuantization
import Foundation

/// Writes the answer of `POST /v1/embeddings`.
///
/// Without `embedding_types`, OpenAI's shape:
/// `{"object": "list", "data": [{"object": "embedding", "index": 0, "embedding": [...] | "<base64>"}],
///   "model": …, "usage": {"prompt_tokens": n, "total_tokens": n}}`.
///
/// With them, Cohere's (v2 embed) shape plus `model` and `usage`:
/// `{"id": …, "response_type": "embeddings_by_type", "embeddings": {"<type>": [[…], …], …},
///   "texts": […], "model": …, "usage": {…}, "meta": {"api_version": {"version": "2"},
///   "billed_units": {"input_tokens": n}}}` (`texts` only when the inputs were texts).
enum EmbeddingsResponse {
    /// The OpenAI-shaped body.
    static func openAI(_ vectors: EmbeddingMatrix, base64: Bool, model: String, tokens: Int) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: vectors.rowCount * vectors.dimension * (base64 ? 6 : 12) + 256)
        writer.append("{\"object\":\"list\",\"data\":[")
        for row in 0..<vectors.rowCount {
            if row > 0 { writer.append(",") }
            writer.append("{\"object\":\"embedding\",\"index\":\(row),\"embedding\":")
            if base64 {
                writer.writeString(Self.base64(vectors[row: row]))
            } else {
                writer.writeArray(vectors[row: row]) { $0.writeNumber($1) }
            }
            writer.append("}")
        }
        writer.append("],\"model\":")
        writer.writeString(model)
        writer.append(",\"usage\":{\"prompt_tokens\":\(tokens),\"total_tokens\":\(tokens)}}")
        return writer.bytes
    }

    /// The Cohere-shaped body: one entry per requested type, in request order.
    static func byType(_ outputs: [(EmbeddingType, EmbeddingOutput)], texts: [String]?, model: String, tokens: Int,
                       id: String) -> [UInt8] {
        var writer = JSONWriter(reservingCapacity: 4096)
        writer.append("{\"id\":")
        writer.writeString(id)
        writer.append(",\"response_type\":\"embeddings_by_type\",\"embeddings\":{")
        for (index, (type, output)) in outputs.enumerated() {
            if index > 0 { writer.append(",") }
            writer.key(type.rawValue)
            output.write(into: &writer)
        }
        writer.append("}")
        if let texts {
            writer.append(",\"texts\":")
            writer.writeArray(texts) { $0.writeString($1) }
        }
        writer.append(",\"model\":")
        writer.writeString(model)
        writer.append(",\"usage\":{\"prompt_tokens\":\(tokens),\"total_tokens\":\(tokens)}")
        writer.append(",\"meta\":{\"api_version\":{\"version\":\"2\"},\"billed_units\":{\"input_tokens\":\(tokens)}}}")
        return writer.bytes
    }

    /// The float32 values as little-endian bytes, base64-encoded.
    static func base64(_ values: ArraySlice<Float>) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }
}

/// One type's values for every input.
enum EmbeddingOutput {
    /// float32 rows.
    case floats(EmbeddingMatrix)
    /// float32 rows, base64 strings.
    case base64(EmbeddingMatrix)
    /// Codes of a precision, written as numbers (signed for int8 / binary, half floats widened).
    case codes(QuantizedEmbeddings)

    func write(into writer: inout JSONWriter) {
        switch self {
        case .floats(let matrix):
            writer.writeArray(0..<matrix.rowCount) { writer, row in
                writer.writeArray(matrix[row: row]) { $0.writeNumber($1) }
            }
        case .base64(let matrix):
            writer.writeArray(0..<matrix.rowCount) { writer, row in
                writer.writeString(EmbeddingsResponse.base64(matrix[row: row]))
            }
        case .codes(let codes):
            writer.writeArray(0..<codes.rowCount) { writer, row in
                let bytes = codes[row: row]
                switch codes.precision {
                case .int8, .binary:
                    writer.writeArray(bytes) { $0.writeNumber(Int(Int8(bitPattern: $1))) }
                case .float16:
                    let halves = stride(from: bytes.startIndex, to: bytes.endIndex, by: 2).map {
                        HalfPrecision.float(fromFloat16Bits: UInt16(bytes[$0]) | UInt16(bytes[$0 + 1]) << 8)
                    }
                    writer.writeArray(halves) { $0.writeNumber($1) }
                default:
                    writer.writeArray(bytes) { $0.writeNumber(Int($1)) }
                }
            }
        }
    }
}
