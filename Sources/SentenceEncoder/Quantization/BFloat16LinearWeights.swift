import SentenceEncoderKernels

/// The bfloat16 weights of one linear layer `W[outputWidth × inputWidth]` (`y = x · Wᵀ + b`),
/// each rounded to nearest (ties to even), packed for the bf16 GEMM of one kernel table
/// (``EncoderKernels``; the layout depends on the variant).
struct BFloat16LinearWeights: Sendable {
    /// Output channels `n`.
    let outputWidth: Int
    /// Inputs `k` per channel.
    let inputWidth: Int
    /// `k` rounded up to a multiple of 2 (`sek_bf16_padded_inputs`); the extra weights are zero.
    let paddedInputWidth: Int
    /// Row-major bfloat16 bit patterns, `n × k` (kept for saving the model and for references).
    let values: [UInt16]
    /// The same values packed by `kernels`' `pack_bf16`.
    let packed: [UInt16]
    /// The kernel table that packed the weights and multiplies them.
    let kernels: EncoderKernels

    /// Rounds float32 weights, `outputWidth × inputWidth` row-major, to bfloat16.
    init(weight: [Float], outputWidth: Int, inputWidth: Int, kernels: EncoderKernels = .current) {
        self.init(values: weight.map(BFloat16.bits(rounding:)), outputWidth: outputWidth, inputWidth: inputWidth,
                  kernels: kernels)
    }

    /// Wraps bfloat16 bit patterns, `outputWidth × inputWidth` row-major.
    init(values: [UInt16], outputWidth: Int, inputWidth: Int, kernels: EncoderKernels = .current) {
        precondition(values.count == outputWidth * inputWidth)
        self.outputWidth = outputWidth
        self.inputWidth = inputWidth
        self.values = values
        self.kernels = kernels
        paddedInputWidth = sek_bf16_padded_inputs(inputWidth)
        let count = sek_bf16_packed_count(outputWidth, inputWidth)
        packed = [UInt16](unsafeUninitializedCapacity: count) { buffer, initialized in
            values.withUnsafeBufferPointer { kernels.table.pack_bf16($0.baseAddress, outputWidth, inputWidth, buffer.baseAddress) }
            initialized = count
        }
    }

    /// `output[rows × n] = bias + bf16(x) · Wᵀ`, float32 accumulation.
    ///
    /// - Parameters:
    ///   - input: `rows × k` floats, row-major, rounded to bfloat16 before the product.
    ///   - bias: `n` floats.
    ///   - output: `rows × n` floats, row-major, overwritten.
    func apply(input: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        packed.withUnsafeBufferPointer { packed in
            kernels.withTable { sek_linear_bf16($0, input, rows, inputWidth, packed.baseAddress, bias, outputWidth, output) }
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
