import SentenceEncoderKernels

/// One linear layer of the encoder, `y[rows × n] = x[rows × k] · Wᵀ + b`, with its weight
/// `W[n × k]` (PyTorch layout) stored in one ``WeightPrecision``.
struct LinearLayer: Sendable {
    /// The weight in its storage precision.
    enum Weight: Sendable {
        /// float32, `n × k` row-major, multiplied through the BLAS.
        case float32([Float])
        /// bfloat16, multiplied by `sek_gemm_bf16`.
        case bfloat16(BFloat16LinearWeights)
        /// int8 with per-channel scales, multiplied by `sek_gemm_u8s8`.
        case int8(Int8LinearWeights)
    }

    /// The weight.
    let weight: Weight
    /// The bias `b`, `n` floats.
    let bias: [Float]
    /// Output width `n`.
    let outputWidth: Int
    /// Input width `k`.
    let inputWidth: Int
    /// For float32 weights on ``MatrixPath/packed``: the weight packed into panels of 32 output
    /// columns for the AVX-512 kernel `sek_packed_linear` (measured 8–15 % more GFLOP/s than
    /// OpenBLAS on the encoder's shapes). `nil` on ``MatrixPath/blas`` and for other precisions.
    /// The row-major float32 weight is kept as well (for saving a mixed-precision model).
    let packedFloat32: [Float]?
    /// For int8 with static (calibrated) activation quantization: the largest |x| expected at
    /// the input; `nil` quantizes each token with its own maximum (dynamic).
    var inputMaximum: Float?

    /// The layer with `weight` (`outputWidth × inputWidth` float32, row-major) converted to `precision`.
    init(weight: [Float], bias: [Float], outputWidth: Int, inputWidth: Int, precision: WeightPrecision,
         path: MatrixPath = .current) {
        precondition(weight.count == outputWidth * inputWidth && bias.count == outputWidth)
        self.packedFloat32 = precision == .float32 && path == .packed
            ? Self.pack(weight, outputWidth: outputWidth, inputWidth: inputWidth) : nil
        switch precision {
        case .float32: self.weight = .float32(weight)
        case .bfloat16: self.weight = .bfloat16(BFloat16LinearWeights(weight: weight, outputWidth: outputWidth, inputWidth: inputWidth))
        case .int8: self.weight = .int8(Int8LinearWeights(weight: weight, outputWidth: outputWidth, inputWidth: inputWidth))
        }
        self.bias = bias
        self.outputWidth = outputWidth
        self.inputWidth = inputWidth
    }

    /// The layer with an already converted weight.
    init(weight: Weight, bias: [Float], outputWidth: Int, inputWidth: Int, inputMaximum: Float? = nil,
         path: MatrixPath = .current) {
        if case .float32(let values) = weight, path == .packed {
            self.packedFloat32 = Self.pack(values, outputWidth: outputWidth, inputWidth: inputWidth)
        } else {
            self.packedFloat32 = nil
        }
        self.weight = weight
        self.bias = bias
        self.outputWidth = outputWidth
        self.inputWidth = inputWidth
        self.inputMaximum = inputMaximum
    }

    /// The precision the weight is stored in.
    var precision: WeightPrecision {
        switch weight {
        case .float32: .float32
        case .bfloat16: .bfloat16
        case .int8: .int8
        }
    }

    /// The float32 `weight` (`outputWidth × inputWidth`) in the packed kernel's panel layout.
    private static func pack(_ weight: [Float], outputWidth: Int, inputWidth: Int) -> [Float] {
        let count = sek_packed_weight_count(outputWidth, inputWidth)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            weight.withUnsafeBufferPointer { sek_pack_weights($0.baseAddress, outputWidth, inputWidth, buffer.baseAddress) }
            initialized = count
        }
    }

    /// Writes `output[rows × n] = input[rows × k] · Wᵀ + b` (row-major, row strides `n` and `k`).
    func apply(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        if let packedFloat32 {
            // The packed kernel starts from the bias itself.
            packedFloat32.withUnsafeBufferPointer { weight in
                bias.withUnsafeBufferPointer { bias in
                    sek_packed_linear(input, inputWidth, weight.baseAddress, bias.baseAddress, output, outputWidth,
                                      rows, outputWidth, inputWidth)
                }
            }
            return
        }
        // Start from the bias in every row and accumulate the product onto it.
        bias.withUnsafeBufferPointer { bias in
            sek_fill_rows(output, bias.baseAddress, rows, outputWidth)
        }
        switch weight {
        case .float32(let weight):
            weight.withUnsafeBufferPointer { weight in
                MatrixMultiply.multiplyTransposed(
                    m: rows, n: outputWidth, k: inputWidth,
                    a: input, lda: inputWidth, b: weight.baseAddress!, ldb: inputWidth,
                    beta: 1, c: output, ldc: outputWidth)
            }
        case .bfloat16(let weight):
            weight.accumulate(input: input, rows: rows, output: output)
        case .int8(let weight):
            weight.accumulate(input: input, rows: rows, output: output, inputMaximum: inputMaximum)
        }
    }

    /// `apply` with the argument labels of the packed-kernel tests.
    func apply(_ input: UnsafePointer<Float>, rows: Int, into output: UnsafeMutablePointer<Float>) {
        apply(input: input, rows: rows, output: output)
    }

    /// `apply` on arrays: `input` `rows × k`, returns `rows × n`.
    func callAsFunction(_ input: [Float], rows: Int) -> [Float] {
        var output = [Float](repeating: 0, count: rows * outputWidth)
        input.withUnsafeBufferPointer { input in
            output.withUnsafeMutableBufferPointer { output in
                apply(input: input.baseAddress!, rows: rows, output: output.baseAddress!)
            }
        }
        return output
    }
}
