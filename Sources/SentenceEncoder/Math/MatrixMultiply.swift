#if canImport(Accelerate)
import Accelerate
#else
import CBLAS
#endif

/// Single-precision matrix products on row-major matrices through the platform BLAS
/// (Accelerate on Apple platforms, OpenBLAS elsewhere).
///
/// Shapes are `rows × columns`; a leading dimension is the distance in floats between the
/// starts of two consecutive rows (≥ columns), so that sub-matrices (one attention head's
/// columns) can be used in place.
enum MatrixMultiply {
    /// `C[m×n] = α · A[m×k] · B[n×k]ᵀ + β · C` — the shape of `x · Wᵀ` with PyTorch weights.
    static func multiplyTransposed(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, blasInt(m), blasInt(n), blasInt(k), alpha,
                    a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// `C[m×n] = α · A[m×k] · B[k×n] + β · C`.
    static func multiply(
        m: Int, n: Int, k: Int, alpha: Float = 1,
        a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        guard m > 0, n > 0 else { return }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, blasInt(m), blasInt(n), blasInt(k), alpha,
                    a, blasInt(lda), b, blasInt(ldb), beta, c, blasInt(ldc))
    }

    /// Makes the BLAS run single-threaded: the encoder parallelizes across sequences itself,
    /// and a multi-threaded BLAS called from several threads would oversubscribe the cores.
    static func useSingleThreadedBLAS() {
        #if !canImport(Accelerate)
        openblas_set_num_threads(1)
        #endif
    }

    /// Plain-Swift reference of ``multiplyTransposed(m:n:k:alpha:a:lda:b:ldb:beta:c:ldc:)``, for tests.
    static func referenceMultiplyTransposed(m: Int, n: Int, k: Int, a: [Float], b: [Float]) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        for i in 0..<m {
            for j in 0..<n {
                var sum: Float = 0
                for p in 0..<k { sum += a[i * k + p] * b[j * k + p] }
                c[i * n + j] = sum
            }
        }
        return c
    }

    #if canImport(Accelerate)
    private static func blasInt(_ value: Int) -> Int32 { Int32(value) }
    #else
    private static func blasInt(_ value: Int) -> Int32 { Int32(value) }
    #endif
}
