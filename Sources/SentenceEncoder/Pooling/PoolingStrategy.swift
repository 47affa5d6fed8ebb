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
    /// The mean weighted by position: token `p` (1-based) counts `p` times.
    case weightedMean = "weightedmean"

    /// Reads the strategies switched on in a sentence-transformers `1_Pooling/config.json`: a
    /// `pooling_mode` string or list (sentence-transformers 6), or the older
    /// `pooling_mode_*_tokens` flags, taken in the order sentence-transformers concatenates them
    /// (CLS, max, mean, mean-sqrt-len, weighted mean, last token); the mean when none is on.
    ///
    /// - Throws: ``SentenceEncoderError`` naming the file when a mode is unknown or malformed.
    public static func strategies(contentsOf url: URL) throws -> [PoolingStrategy] {
        let object = try JSONFile.object(at: url)
        let reader = JSONObjectReader(object: object, path: url.path)
        if let value = object["pooling_mode"], !(value is NSNull) {
            let modes: [String]
            if let mode = value as? String {
                modes = [mode]
            } else if let list = value as? [String], !list.isEmpty {
                modes = list
            } else {
                throw SentenceEncoderError.invalidConfiguration(path: url.path, key: "pooling_mode", reason: "not a string or a list of strings")
            }
            return try modes.map { mode in
                guard let strategy = PoolingStrategy(rawValue: mode) else {
                    throw SentenceEncoderError.invalidConfiguration(path: url.path, key: "pooling_mode", reason: "unsupported mode \"\(mode)\"")
                }
                return strategy
            }
        }
        let keys: [(String, PoolingStrategy)] = [
            ("pooling_mode_cls_token", .classifierToken), ("pooling_mode_max_tokens", .max),
            ("pooling_mode_mean_tokens", .mean), ("pooling_mode_mean_sqrt_len_tokens", .meanSquareRootLength),
            ("pooling_mode_weightedmean_tokens", .weightedMean), ("pooling_mode_lasttoken", .lastToken),
        ]
        // No flag on: sentence-transformers pools by the mean.
        let strategies = try keys.filter { try reader.optionalBool($0.0) == true }.map(\.1)
        return strategies.isEmpty ? [.mean] : strategies
    }

    /// Pools the `length` rows of `width` floats at `tokens` into `output` (`width` floats),
    /// leaving out the first `excluded` rows (a prompt, when the Pooling module has
    /// `include_prompt` false) as sentence-transformers 6 masks them: CLS takes the first row
    /// left (row 0 when none is), the others pool the rows left (mean: zeros when none, max:
    /// −∞, last token: zeros), and weighted mean keeps each row's position weight.
    func pool(_ tokens: UnsafePointer<Float>, length: Int, width: Int, excluding excluded: Int = 0,
              into output: UnsafeMutablePointer<Float>) {
        let first = Swift.min(Swift.max(excluded, 0), length)
        guard length > 0 else {
            output.update(repeating: 0, count: width)
            return
        }
        switch self {
        case .classifierToken:
            output.update(from: tokens + (first < length ? first : 0) * width, count: width)
        case .lastToken:
            if first < length {
                output.update(from: tokens + (length - 1) * width, count: width)
            } else {
                output.update(repeating: 0, count: width)
            }
        case .max:
            output.update(repeating: -.infinity, count: width)
            for row in first..<length {
                let vector = tokens + row * width
                for column in 0..<width { output[column] = Swift.max(output[column], vector[column]) }
            }
        case .mean, .meanSquareRootLength, .weightedMean:
            var sums = [Double](repeating: 0, count: width)
            var weightSum = 0.0
            for row in first..<length {
                let vector = tokens + row * width
                let weight = self == .weightedMean ? Double(row + 1) : 1
                weightSum += weight
                for column in 0..<width { sums[column] += weight * Double(vector[column]) }
            }
            let count = Swift.max(weightSum, 1e-9)
            let divisor = self == .meanSquareRootLength ? count.squareRoot() : count
            for column in 0..<width { output[column] = Float(sums[column] / divisor) }
        }
    }
}
