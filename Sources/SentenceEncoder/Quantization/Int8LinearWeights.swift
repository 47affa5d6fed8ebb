import SentenceEncoderKernels

/// The int8 weights of one linear layer `W[outputWidth × inputWidth]` (`y = x · Wᵀ + b`):
/// symmetric per-output-channel quantization, `W[j][p] ≈ scales[j] · codes[j][p]`,
/// `scales[j] = max_p |W[j][p]| / 127`, codes in `-127...127`, packed for the int8 GEMM of one
/// kernel table (``EncoderKernels``; the layout depends on the variant).
struct Int8LinearWeights: Sendable {
    /// Output channels `n`.
    let outputWidth: Int
    /// Inputs `k` per channel.
    let inputWidth: Int
    /// `k` rounded up to a multiple of 8 (`sek_int8_padded_inputs`); the extra weights are zero.
    let paddedInputWidth: Int
    /// Row-major codes, `n × k` (kept for saving the model and for references).
    let codes: [Int8]
    /// Per-channel scales, `n` rounded up to 16 entries (the extra ones zero).
    let scales: [Float]
    /// `128 · Σ_p codes[j][p]` per channel (undoes the +128 offset of the activation codes),
    /// `n` rounded up to 16 entries.
    let corrections: [Int32]
    /// Codes packed by `kernels`' `pack_int8`.
    let packed: [Int8]
    /// The kernel table that packed the codes and multiplies them.
    let kernels: EncoderKernels

    /// Quantizes float32 weights, `outputWidth × inputWidth` row-major.
    init(weight: [Float], outputWidth: Int, inputWidth: Int, kernels: EncoderKernels = .current) {
        let (codes, scales) = Self.quantize(weight, outputWidth: outputWidth, inputWidth: inputWidth)
        self.init(codes: codes, scales: scales, outputWidth: outputWidth, inputWidth: inputWidth, kernels: kernels)
    }

    /// Wraps already quantized weights: `codes` `n × k` row-major, `scales` `n` floats.
    init(codes: [Int8], scales: [Float], outputWidth: Int, inputWidth: Int, kernels: EncoderKernels = .current) {
        precondition(codes.count == outputWidth * inputWidth && scales.count == outputWidth)
        self.outputWidth = outputWidth
        self.inputWidth = inputWidth
        self.codes = codes
        self.kernels = kernels
        paddedInputWidth = sek_int8_padded_inputs(inputWidth)
        let groups = (outputWidth + 15) / 16
        self.scales = scales + [Float](repeating: 0, count: groups * 16 - outputWidth)
        var corrections = [Int32](repeating: 0, count: groups * 16)
        for j in 0..<outputWidth {
            var sum: Int32 = 0
            for p in 0..<inputWidth { sum += Int32(codes[j * inputWidth + p]) }
            corrections[j] = 128 * sum
        }
        self.corrections = corrections
        let count = sek_int8_packed_count(outputWidth, inputWidth)
        packed = [Int8](unsafeUninitializedCapacity: count) { buffer, initialized in
            codes.withUnsafeBufferPointer { kernels.table.pack_int8($0.baseAddress, outputWidth, inputWidth, buffer.baseAddress) }
            initialized = count
        }
    }

    /// Symmetric per-row quantization of `rows × columns` floats: `(codes, scales)` with
    /// `codes[r][c] = clamp(rint(x · (127 / max|row|)), ±127)` and `scales[r] = max|row| / 127`.
    /// The same rule quantizes activations per token in the kernels' `quantize_rows_u8` (minus the offset).
    static func quantize(_ values: [Float], outputWidth rows: Int, inputWidth columns: Int) -> (codes: [Int8], scales: [Float]) {
        var codes = [Int8](repeating: 0, count: rows * columns)
        var scales = [Float](repeating: 0, count: rows)
        for row in 0..<rows {
            let slice = values[(row * columns)..<((row + 1) * columns)]
            let maximum = slice.reduce(Float(0)) { max($0, abs($1)) }
            let inverse: Float = maximum > 0 ? 127 / maximum : 0
            scales[row] = maximum / 127
            for (offset, value) in slice.enumerated() {
                codes[row * columns + offset] = Int8(min(max((value * inverse).rounded(.toNearestOrEven), -127), 127))
            }
        }
        return (codes, scales)
    }

    /// `output[rows × n] = bias + x · Ŵᵀ` with `x` quantized per row (`inputMaximum == nil`,
    /// dynamic) or with the fixed scale `inputMaximum / 127` (static; values beyond it are clamped).
    ///
    /// - Parameters:
    ///   - input: `rows × k` floats, row-major.
    ///   - bias: `n` floats.
    ///   - output: `rows × n` floats, row-major, overwritten.
    func apply(input: UnsafePointer<Float>, rows: Int, bias: UnsafePointer<Float>, output: UnsafeMutablePointer<Float>,
               inputMaximum: Float? = nil) {
        guard rows > 0 else { return }
        packed.withUnsafeBufferPointer { packed in
            corrections.withUnsafeBufferPointer { corrections in
                scales.withUnsafeBufferPointer { scales in
                    kernels.withTable { table in
                        if let inputMaximum {
                            withUnsafePointer(to: inputMaximum) { maximum in
                                sek_linear_int8(table, input, rows, inputWidth, packed.baseAddress, corrections.baseAddress,
                                                scales.baseAddress, bias, outputWidth, maximum, output)
                            }
                        } else {
                            sek_linear_int8(table, input, rows, inputWidth, packed.baseAddress, corrections.baseAddress,
                                            scales.baseAddress, bias, outputWidth, nil, output)
                        }
                    }
                }
            }
        }
    }
}
