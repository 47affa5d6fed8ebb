import Foundation
import SentenceEncoderKernels

/// How the linear layers multiply matrices.
enum MatrixPath: String, Sendable {
    /// Pre-packed weights and the AVX-512 kernel of `SentenceEncoderKernels`.
    case packed
    /// The platform BLAS (OpenBLAS or Accelerate).
    case blas

    /// `packed` on CPUs with AVX-512, else `blas`; `EMBEDQ_MATMUL=blas` or `=packed` overrides
    /// (for measuring one against the other).
    static let current: MatrixPath = {
        if let forced = ProcessInfo.processInfo.environment["EMBEDQ_MATMUL"].flatMap(MatrixPath.init(rawValue:)) {
            return forced
        }
        return sek_packed_linear_is_fast() != 0 ? .packed : .blas
    }()
}
