import Foundation

/// How token vectors become one sentence vector (sentence-transformers `Pooling`).
public enum PoolingStrategy: String, Sendable, CaseIterable {
    /// The first token's vector (`[CLS]`).
    case classifierToken = "cls"
    /// The element-wise maximum over the tokens.
    case max
    /// The mean over the tokens.
    case mean
    /// The sum over the tokens divided by `√length`.
    case meanSquareRootLength = "mean_sqrt_len_tokens"
    /// The last token's vector (`[SEP]` for BERT).
    case lastToken = "lasttoken"

    /// Reads the strategies switched on in a sentence-transformers `1_Pooling/config.json`, in the
    /// order sentence-transformers concatenates them (CLS, max, mean, mean-sqrt-len, last token).
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file when no strategy is on, or when
    ///   weighted-mean pooling (not implemented) is asked for.
    public static func strategies(contentsOf url: URL) throws -> [PoolingStrategy] {
        let object = try JSONFile.object(at: url)
        let reader = JSONObjectReader(object: object, path: url.path)
        if let mode = try reader.optionalString("pooling_mode") {
            switch mode {
            case "cls": return [.classifierToken]
            case "max": return [.max]
            case "mean": return [.mean]
            case "mean_sqrt_len_tokens": return [.meanSquareRootLength]
            case "lasttoken": return [.lastToken]
            default:
                throw SentenceEncoderError.invalidConfiguration(path: url.path, key: "pooling_mode", reason: "unsupported mode \"\(mode)\"")
            }
        }
        if try reader.optionalBool("pooling_mode_weightedmean_tokens") == true {
            throw SentenceEncoderError.invalidConfiguration(
                path: url.path, key: "pooling_mode_weightedmean_tokens", reason: "weighted-mean pooling is not supported")
        }
        let keys: [(String, PoolingStrategy)] = [
            ("pooling_mode_cls_token", .classifierToken), ("pooling_mode_max_tokens", .max),
            ("pooling_mode_mean_tokens", .mean), ("pooling_mode_mean_sqrt_len_tokens", .meanSquareRootLength),
            ("pooling_mode_lasttoken", .lastToken),
        ]
        let strategies = try keys.filter { try reader.optionalBool($0.0) == true }.map(\.1)
        guard !strategies.isEmpty else {
            throw SentenceEncoderError.invalidConfiguration(path: url.path, key: "pooling_mode_mean_tokens", reason: "no pooling mode is switched on")
        }
        return strategies
    }

    /// Pools the `length` rows of `width` floats at `tokens` into `output` (`width` floats).
    func pool(_ tokens: UnsafePointer<Float>, length: Int, width: Int, into output: UnsafeMutablePointer<Float>) {
        guard length > 0 else {
            output.update(repeating: 0, count: width)
            return
        }
        switch self {
        case .classifierToken:
            output.update(from: tokens, count: width)
        case .lastToken:
            output.update(from: tokens + (length - 1) * width, count: width)
        case .max:
            output.update(from: tokens, count: width)
            for row in 1..<length {
                let vector = tokens + row * width
                for column in 0..<width { output[column] = Swift.max(output[column], vector[column]) }
            }
        case .mean, .meanSquareRootLength:
            var sums = [Double](repeating: 0, count: width)
            for row in 0..<length {
                let vector = tokens + row * width
                for column in 0..<width { sums[column] += Double(vector[column]) }
            }
            let divisor = self == .mean ? Double(length) : Double(length).squareRoot()
            for column in 0..<width { output[column] = Float(sums[column] / divisor) }
        }
    }
}
