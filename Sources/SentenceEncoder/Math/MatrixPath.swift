import Foundation

/// How the float32 linear layers and the attention products multiply matrices.
enum MatrixPath: String, Sendable {
    /// Pre-packed weights and the fp32 GEMM of `SentenceEncoderKernels` (AVX2, AVX-512, NEON);
    /// attention through the same GEMM (`sek_attention_scores` / `sek_attention_context`).
    case packed
    /// The platform BLAS (OpenBLAS or Accelerate).
    case blas

    /// `packed` where the kernel table has a SIMD fp32 GEMM (x86-64 with AVX2 + FMA, Linux
    /// arm64), `blas` on x86-64 without AVX2 and on Apple platforms, whose Accelerate runs
    /// sgemm on the matrix coprocessor (AMX) rather than on NEON; `EMBEDQ_MATMUL=blas` or
    /// `=packed` overrides (for measuring one against the other). int8 and bf16 weights always
    /// use the kernel table.
    static let current: MatrixPath = {
        if let forced = ProcessInfo.processInfo.environment["EMBEDQ_MATMUL"].flatMap(MatrixPath.init(rawValue:)) {
            return forced
        }
        #if canImport(Accelerate)
        return .blas
        #else
        return EncoderKernels.current.hasSIMDMatrixProduct ? .packed : .blas
        #endif
    }()
}
