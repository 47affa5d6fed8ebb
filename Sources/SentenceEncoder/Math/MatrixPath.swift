import Foundation

/// How the float32 linear layers and the attention products multiply matrices.
enum MatrixPath: String, Sendable {
    /// Pre-packed weights and the fp32 GEMM of `SentenceEncoderKernels` (AVX2, AVX-512, NEON);
    /// attention through the same GEMM (`sek_attention_scores` / `sek_attention_context`).
    case packed
    /// The platform BLAS (OpenBLAS or Accelerate).
    case blas

    /// `packed` where the kernel table has a SIMD fp32 GEMM (every x86-64 CPU with AVX2 + FMA,
    /// every arm64 CPU), else `blas`; `EMBEDQ_MATMUL=blas` or `=packed` overrides (for measuring
    /// one against the other).
    static let current: MatrixPath = {
        if let forced = ProcessInfo.processInfo.environment["EMBEDQ_MATMUL"].flatMap(MatrixPath.init(rawValue:)) {
            return forced
        }
        return EncoderKernels.current.hasSIMDMatrixProduct ? .packed : .blas
    }()
}
