import Foundation

/// Multi-head scaled dot-product self-attention over a packed batch.
///
/// Sequences are stored one after another without padding (token rows
/// `offset ..< offset + length` of sequence `s`), so each token attends exactly to the tokens of
/// its own sequence: the attention mask is implied by the sequence bounds, and no padding
/// token ever enters a softmax. That is what the padded, masked computation gives, since a
/// masked score contributes `exp(-∞) = 0`.
enum Attention {
    /// Computes `softmax(Q Kᵀ / √d) V` per sequence and head.
    ///
    /// - Parameters:
    ///   - queryKeyValue: `tokens × 3H` rows: columns `0..<H` queries, `H..<2H` keys, `2H..<3H`
    ///     values; head `h` owns columns `h·d ..< (h+1)·d` of each block (`d = H / heads`).
    ///   - context: receives `tokens × H`, head `h` in columns `h·d ..< (h+1)·d`.
    ///   - spans: `(offset, length)` of each sequence in token rows.
    ///   - scores: scratch of at least `maxLength²` floats.
    static func apply(
        queryKeyValue: UnsafePointer<Float>, context: UnsafeMutablePointer<Float>,
        spans: [(offset: Int, length: Int)], hiddenSize: Int, headCount: Int,
        scores: UnsafeMutablePointer<Float>
    ) {
        let headSize = hiddenSize / headCount
        let stride = 3 * hiddenSize
        let scale = 1 / Float(headSize).squareRoot()
        for (offset, length) in spans where length > 0 {
            for head in 0..<headCount {
                let query = queryKeyValue + offset * stride + head * headSize
                let key = query + hiddenSize
                let value = query + 2 * hiddenSize
                // scores[L×L] = scale · Q[L×d] · K[L×d]ᵀ
                AttentionProducts.scores(
                    query: query, queryStride: stride, key: key, keyStride: stride, rows: length, keys: length,
                    headSize: headSize, scale: scale, scores: scores, scoresStride: length)
                EncoderKernels.current.softmaxRows(scores, rows: length, columns: length)
                // context[L×d] = scores[L×L] · V[L×d]
                AttentionProducts.context(
                    probabilities: scores, probabilitiesStride: length, value: value, valueStride: stride,
                    rows: length, keys: length, headSize: headSize,
                    context: context + offset * hiddenSize + head * headSize, contextStride: hiddenSize)
            }
        }
    }
}
