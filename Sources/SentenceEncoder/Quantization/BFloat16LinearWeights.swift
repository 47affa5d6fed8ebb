import SentenceEncoderKernels

/// The bfloat16 weights of one linear layer `W[outputWidth × inputWidth]` (`y = x · Wᵀ + b`),
/// each rounded to nearest (ties to even), packed for `sek_gemm_bf16`.
struct BFloat16LinearWeights: Sendable {
    /// Output channels `n`.
    let outputWidth: Int
    /// Inputs `k` per channel.
    let inputWidth: Int
    /// `k` rounded up to a multiple of 2 (the `vdpbf16ps` step); the extra weights are zero.
    let paddedInputWidth: Int
    /// Row-major bfloat16 bit patterns, `n × k` (kept for saving the model and for references).
    let values: [UInt16]
    /// The same values in the packed layout of `LinearKernels.h` (P = 2).
    let packed: [UInt16]

    /// Rounds float32 weights, `outputWidth × inputWidth` row-major, to bfloat16.
    init(weight: [Float], outputWidth: Int, inputWidth: Int) {
        self.init(values: weight.map(BFloat16.bits(rounding:)), outputWidth: outputWidth, inputWidth: inputWidth)
    }

    /// Wraps bfloat16 bit patterns, `outputWidth × inputWidth` row-major.
    init(values: [UInt16], outputWidth: Int, inputWidth: Int) {
        precondition(values.count == outputWidth * inputWidth)
        self.outputWidth = outputWidth
        self.inputWidth = inputWidth
        self.values = values
        let padded = (inputWidth + 1) / 2 * 2
        paddedInputWidth = padded
        let groups = (outputWidth + 15) / 16
        let steps = padded / 2
        var packed = [UInt16](repeating: 0, count: groups * steps * 32)
        for j in 0..<outputWidth {
            let (group, lane) = j.quotientAndRemainder(dividingBy: 16)
            for p in 0..<inputWidth {
                let (step, i) = p.quotientAndRemainder(dividingBy: 2)
                packed[((group * steps + step) * 16 + lane) * 2 + i] = values[j * inputWidth + p]
            }
        }
        self.packed = packed
    }

    /// `output[rows × n] += bf16(x) · Wᵀ`, float32 accumulation.
    ///
    /// - Parameters:
    ///   - input: `rows × k` floats, row-major, rounded to bfloat16 before the product.
    ///   - output: `rows × n` floats, row-major, accumulated onto (holds the bias).
    func accumulate(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        withUnsafeTemporaryAllocation(of: UInt16.self, capacity: rows * paddedInputWidth) { activations in
            sek_round_rows_bf16(input, rows, inputWidth, paddedInputWidth, activations.baseAddress!)
            packed.withUnsafeBufferPointer { packed in
                sek_gemm_bf16(rows, outputWidth, paddedInputWidth, activations.baseAddress!, packed.baseAddress!,
                              output, outputWidth)
            }
        }
    }
}

/// bfloat16 conversions: the upper 16 bits of a float32.
enum BFloat16 {
    /// The bfloat16 nearest to `value` (ties to even), as bits; NaN stays a (quiet) NaN.
    static func bits(rounding value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        return UInt16(truncatingIfNeeded: (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16)
    }

    /// The float32 equal to bfloat16 `bits`.
    static func float(_ bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }
}
