import Foundation
import SentenceEncoderKernels

/// A linear layer `y = x · Wᵀ + b` (PyTorch `nn.Linear`, weight `[out, in]`) and the matrix
/// product that computes it.
///
/// Two paths, chosen once per process by ``MatrixPath/current``:
/// - ``MatrixPath/packed``: the weight is packed at load time into panels of 32 output columns
///   and multiplied by an AVX-512 kernel (`sek_packed_linear`) that needs no per-call packing of
///   the activations, no zeroing of the output and starts from the bias. Measured 8–15 % more
///   GFLOP/s than OpenBLAS 0.3.21 on the encoder's shapes on this EPYC; chosen when the CPU has
///   AVX-512.
/// - ``MatrixPath/blas``: the output rows start as the bias and the BLAS accumulates onto them.
struct LinearLayer: Sendable {
    /// Input width (`in`).
    let inputWidth: Int
    /// Output width (`out`).
    let outputWidth: Int
    /// `[out, in]` row-major for ``MatrixPath/blas``; packed panels for ``MatrixPath/packed``.
    let weight: [Float]
    /// `[out]`.
    let bias: [Float]
    /// The path `weight` is laid out for.
    let path: MatrixPath

    /// A layer from a PyTorch `[outputWidth, inputWidth]` weight and `[outputWidth]` bias.
    init(weight: [Float], bias: [Float], outputWidth: Int, inputWidth: Int, path: MatrixPath = .current) {
        precondition(weight.count == outputWidth * inputWidth && bias.count == outputWidth)
        self.inputWidth = inputWidth
        self.outputWidth = outputWidth
        self.bias = bias
        self.path = path
        switch path {
        case .blas:
            self.weight = weight
        case .packed:
            let count = sek_packed_weight_count(outputWidth, inputWidth)
            self.weight = [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                weight.withUnsafeBufferPointer { sek_pack_weights($0.baseAddress, outputWidth, inputWidth, buffer.baseAddress) }
                initialized = count
            }
        }
    }

    /// `output[rows × outputWidth] = input[rows × inputWidth] · Wᵀ + b` (dense row strides).
    func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        weight.withUnsafeBufferPointer { weight in
            bias.withUnsafeBufferPointer { bias in
                switch path {
                case .packed:
                    sek_packed_linear(input, inputWidth, weight.baseAddress, bias.baseAddress, output, outputWidth,
                                      rows, outputWidth, inputWidth)
                case .blas:
                    sek_fill_rows(output, bias.baseAddress, rows, outputWidth)
                    MatrixMultiply.multiplyTransposed(
                        m: rows, n: outputWidth, k: inputWidth,
                        a: input, lda: inputWidth, b: weight.baseAddress!, ldb: inputWidth,
                        beta: 1, c: output, ldc: outputWidth)
                }
            }
        }
    }
}

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
