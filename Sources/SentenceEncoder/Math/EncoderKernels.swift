import CPUCapabilities
import SentenceEncoderKernels

/// The encoder's C kernels (`SentenceEncoderKernels`) through their dispatch table: one variant
/// per kernel, the best the CPU allows (`CPUCapabilities`, capped by `EMBEDQ_ISA`).
///
/// ``current`` is the process's table; ``init(capabilities:)`` gives the table of any lower
/// capability set, so tests run every variant the CPU has through the same Swift code.
struct EncoderKernels: @unchecked Sendable {
    // @unchecked: the table holds C function pointers and pointers to static C strings, both
    // immutable for the life of the process.
    /// The C table.
    let table: sek_kernel_table

    /// The process's table (`sek_kernels()`).
    static let current = EncoderKernels(table: sek_kernels().pointee)

    private init(table: sek_kernel_table) {
        self.table = table
    }

    /// The table of the best variants whose instructions are all in `capabilities` (a
    /// `CPUCapabilities` bit mask) and in what the CPU and `EMBEDQ_ISA` allow; 0 gives the
    /// portable variants.
    init(capabilities: UInt64) {
        var table = sek_kernel_table()
        sek_kernels_for(capabilities, &table)
        self.table = table
    }

    /// The distinct tables this CPU allows (within `EMBEDQ_ISA`), from the portable one up, each
    /// with the lowest `EMBEDQ_ISA` level that selects it (`+native-bf16` where only
    /// `SEK_PREFER_NATIVE_BF16` reaches the native bf16 dot): every variant the tests must run.
    static var availableLevels: [(level: String, kernels: EncoderKernels)] {
        let names = ["portable", "avx2", "avx2vnni", "avx512", "avx512vnni", "avx512bf16",
                     "neon", "neondot", "neoni8mm", "neonbf16", "native"]
        let flag = UInt64(1) << 63  // SEK_PREFER_NATIVE_BF16
        var levels: [(level: String, kernels: EncoderKernels)] = []
        for name in names {
            let mask = eqcpu_level_mask(name, nil) & ~flag
            for (suffix, capabilities) in [("", mask), ("+native-bf16", mask | flag)] {
                let kernels = EncoderKernels(capabilities: capabilities)
                if !levels.contains(where: { $0.kernels.summary == kernels.summary }) { levels.append((name + suffix, kernels)) }
            }
        }
        return levels
    }

    /// Whether the bf16 GEMM is a native dot product (`vdpbf16ps`, BFDOT), which rounds its own
    /// way; the widened variants equal the portable one bit for bit.
    var hasNativeBFloat16Dot: Bool {
        let name = table.bf16_isa.map { String(cString: $0) }
        return name == "avx512bf16" || name == "neonbf16"
    }

    /// The instruction set of each kernel family, e.g.
    /// `gemm_f32=avx512 int8=avx512vnni quantize=avx512 bf16=avx512bf16 elementwise=avx512`.
    var summary: String {
        func name(_ pointer: UnsafePointer<CChar>?) -> String { pointer.map { String(cString: $0) } ?? "?" }
        return "gemm_f32=\(name(table.gemm_f32_isa)) int8=\(name(table.int8_isa)) quantize=\(name(table.quantize_isa)) "
            + "bf16=\(name(table.bf16_isa)) elementwise=\(name(table.elementwise_isa))"
    }

    /// Whether the fp32 GEMM is a SIMD variant (otherwise the BLAS is faster).
    var hasSIMDMatrixProduct: Bool {
        withUnsafePointer(to: table) { sek_gemm_f32_is_simd($0) != 0 }
    }

    /// In place on `count` floats: exact GELU (see `sek_gelu_fn`).
    func gelu(_ values: UnsafeMutablePointer<Float>, count: Int) {
        table.gelu(values, count)
    }

    /// In place on `rows × columns` floats: row softmax (see `sek_softmax_rows_fn`).
    func softmaxRows(_ values: UnsafeMutablePointer<Float>, rows: Int, columns: Int) {
        table.softmax_rows(values, rows, columns)
    }

    /// In place on `rows × gamma.count` floats: `LayerNorm(x + residual)` (see `sek_add_layer_norm_fn`).
    func addLayerNorm(_ values: UnsafeMutablePointer<Float>, residual: UnsafePointer<Float>?, gamma: UnsafePointer<Float>,
                      beta: UnsafePointer<Float>, rows: Int, columns: Int, epsilon: Float) {
        table.add_layer_norm(values, residual, gamma, beta, rows, columns, epsilon)
    }

    /// In place on `rows × columns` floats: `x[r][c] += bias[c]` (see `sek_add_bias_fn`).
    func addBias(_ values: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>, rows: Int, columns: Int) {
        table.add_bias(values, bias, rows, columns)
    }

    /// `output[r] = silu(input[r][..<width]) ⊙ input[r][width...]` for `rows` rows of `2 · width`
    /// floats (SwiGLU; `output` may be `input`, see `sek_gated_fn`).
    func gatedSiLU(_ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        table.gated_silu(input, output, rows, width)
    }

    /// As ``gatedSiLU(_:output:rows:width:)`` with the exact GELU (GeGLU).
    func gatedGELU(_ input: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>, rows: Int, width: Int) {
        table.gated_gelu(input, output, rows, width)
    }

    /// Rotary embedding in place of the first `dimensions` columns of each head (see `sek_rotary_fn`).
    func rotary(_ values: UnsafeMutablePointer<Float>, rows: Int, rowStride: Int, heads: Int, headSize: Int,
                dimensions: Int, cosines: UnsafePointer<Float>, sines: UnsafePointer<Float>, interleaved: Bool) {
        table.rotary(values, rows, rowStride, heads, headSize, dimensions, cosines, sines, interleaved ? 1 : 0)
    }

    /// `scores[i][j] += diagonals[j − i]` for `rows × columns` scores of row stride `stride`
    /// (`diagonals` readable from `−(rows − 1)` to `columns − 1`; see `sek_add_toeplitz_fn`).
    func addToeplitz(_ scores: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
                     diagonals: UnsafePointer<Float>) {
        table.add_toeplitz(scores, rows, columns, stride, diagonals)
    }

    /// `scores[i][j] = −∞` where `|firstOffset + j − i| > halfWindow` (see `sek_mask_outside_band_fn`).
    func maskOutsideBand(_ scores: UnsafeMutablePointer<Float>, rows: Int, columns: Int, stride: Int,
                         firstOffset: Int, halfWindow: Int) {
        table.mask_outside_band(scores, rows, columns, stride, firstOffset, halfWindow)
    }

    /// Calls `body` with this table as the C functions take it.
    func withTable<Result>(_ body: (UnsafePointer<sek_kernel_table>) -> Result) -> Result {
        withUnsafePointer(to: table, body)
    }
}
