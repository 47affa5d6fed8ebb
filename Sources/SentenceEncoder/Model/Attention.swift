import Foundation
import SentenceEncoderKernels

/// Multi-head scaled dot-product self-attention over a packed batch.
///
/// Sequences are stored one after another without padding (token rows
/// `offset ..< offset + length` of sequence `s`), so each token attends exactly to the tokens of
/// its own sequence: the attention mask is implied by the sequence bounds, and no padding
/// token ever enters a softmax. That is what the padded, masked computation gives, since a
/// masked score contributes `exp(-∞) = 0`.
///
/// Queries are taken in blocks of at most ``queryBlock`` rows, so the score scratch is
/// `queryBlock × longest` floats whatever the length (8,192-token ModernBERT inputs included),
/// and a sliding-window layer multiplies only the keys within reach of the block.
enum Attention {
    /// Query rows per block of scores.
    static let queryBlock = 256

    /// What an architecture adds to plain attention, for one layer.
    struct Options {
        /// Rotary embedding of queries and keys (cos/sin tables from position 0), or `nil`.
        var rotary: RotaryTable?
        /// Relative position bias added to the scores (MPNet), or `nil`.
        var relativeBias: RelativePositionBias?
        /// Keys farther than this from the query are masked (sliding window), or `nil`.
        var halfWindow: Int?

        /// Plain attention (BERT, XLM-RoBERTa).
        static let plain = Options()
    }

    /// Computes `softmax(Q Kᵀ / √d + bias) V` per sequence and head, rotating `Q` and `K` in
    /// place first when `options.rotary` is set.
    ///
    /// - Parameters:
    ///   - queryKeyValue: `tokens × 3H` rows: columns `0..<H` queries, `H..<2H` keys, `2H..<3H`
    ///     values; head `h` owns columns `h·d ..< (h+1)·d` of each block (`d = H / heads`).
    ///   - context: receives `tokens × H`, head `h` in columns `h·d ..< (h+1)·d`.
    ///   - spans: `(offset, length)` of each sequence in token rows.
    ///   - scores: scratch of at least `min(block, longest) × longest` floats.
    ///   - block: query rows per block of scores (tests vary it; the result does not depend on it).
    static func apply(
        queryKeyValue: UnsafeMutablePointer<Float>, context: UnsafeMutablePointer<Float>,
        spans: [(offset: Int, length: Int)], hiddenSize: Int, headCount: Int,
        options: Options = .plain, scores: UnsafeMutablePointer<Float>, block: Int = queryBlock
    ) {
        let headSize = hiddenSize / headCount
        let stride = 3 * hiddenSize
        let scale = 1 / Float(headSize).squareRoot()
        for (offset, length) in spans where length > 0 {
            let rows = queryKeyValue + offset * stride
            if let rotary = options.rotary {
                rotary.apply(to: rows, rows: length, rowStride: stride, heads: headCount, headSize: headSize)
                rotary.apply(to: rows + hiddenSize, rows: length, rowStride: stride, heads: headCount, headSize: headSize)
            }
            for head in 0..<headCount {
                let query = rows + head * headSize
                let key = query + hiddenSize
                let value = query + 2 * hiddenSize
                let bias = options.relativeBias?.diagonals(head: head, length: length)
                for first in Swift.stride(from: 0, to: length, by: block) {
                    let count = min(block, length - first)
                    // Keys within reach: all, or those within the window of some query of the block.
                    var keys = 0..<length
                    if let window = options.halfWindow {
                        keys = max(0, first - window)..<min(length, first + count + window)
                    }
                    // scores[count × keys] = scale · Q[count × d] · K[keys × d]ᵀ
                    MatrixMultiply.multiplyTransposed(
                        m: count, n: keys.count, k: headSize, alpha: scale,
                        a: query + first * stride, lda: stride, b: key + keys.lowerBound * stride, ldb: stride,
                        c: scores, ldc: keys.count)
                    if let bias {
                        // bias[j − i] for query `first + i`, key `keys.lowerBound + j`.
                        sek_add_toeplitz(scores, count, keys.count, keys.count, bias + (keys.lowerBound - first))
                    }
                    if let window = options.halfWindow {
                        sek_mask_outside_band(scores, count, keys.count, keys.count, keys.lowerBound - first, window)
                    }
                    sek_softmax_rows(scores, count, keys.count)
                    // context[count × d] = scores[count × keys] · V[keys × d]
                    MatrixMultiply.multiply(
                        m: count, n: headSize, k: keys.count,
                        a: scores, lda: keys.count, b: value + keys.lowerBound * stride, ldb: stride,
                        c: context + (offset + first) * hiddenSize + head * headSize, ldc: hiddenSize)
                }
            }
        }
    }
}
