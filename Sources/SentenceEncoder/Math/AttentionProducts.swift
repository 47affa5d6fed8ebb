import SentenceEncoderKernels

/// The two products of attention for one head, `S = scale · Q Kᵀ` and `C = P V`, on
/// ``MatrixPath/current``: the kernel table's fp32 GEMM (K, scaled, or V packed into the GEMM's
/// panels first, in the thread's scratch: keys × d copies against rows × keys × d multiply-adds)
/// or the BLAS. Matrices
/// are row-major with row strides (leading dimensions) in floats.
enum AttentionProducts {
    /// `scores[rows × keys] = scale · query[rows × d] · key[keys × d]ᵀ`.
    static func scores(
        query: UnsafePointer<Float>, queryStride: Int, key: UnsafePointer<Float>, keyStride: Int,
        rows: Int, keys: Int, headSize: Int, scale: Float,
        scores: UnsafeMutablePointer<Float>, scoresStride: Int, path: MatrixPath = .current,
        kernels: EncoderKernels = .current
    ) {
        switch path {
        case .packed:
            kernels.withTable {
                sek_attention_scores($0, query, queryStride, key, keyStride, rows, keys, headSize, scale, scores, scoresStride)
            }
        case .blas:
            MatrixMultiply.multiplyTransposed(
                m: rows, n: keys, k: headSize, alpha: scale,
                a: query, lda: queryStride, b: key, ldb: keyStride, c: scores, ldc: scoresStride)
        }
    }

    /// `context[rows × d] = probabilities[rows × keys] · value[keys × d]`.
    static func context(
        probabilities: UnsafePointer<Float>, probabilitiesStride: Int, value: UnsafePointer<Float>, valueStride: Int,
        rows: Int, keys: Int, headSize: Int,
        context: UnsafeMutablePointer<Float>, contextStride: Int, path: MatrixPath = .current,
        kernels: EncoderKernels = .current
    ) {
        switch path {
        case .packed:
            kernels.withTable {
                sek_attention_context($0, probabilities, probabilitiesStride, value, valueStride, rows, keys, headSize,
                                      context, contextStride)
            }
        case .blas:
            MatrixMultiply.multiply(
                m: rows, n: headSize, k: keys,
                a: probabilities, lda: probabilitiesStride, b: value, ldb: valueStride,
                c: context, ldc: contextStride)
        }
    }
}
