import SentenceEncoderKernels

/// One linear layer of the encoder, `y[rows × n] = x[rows × k] · Wᵀ + b`, with its weight
/// `W[n × k]` (PyTorch layout) stored in one ``WeightPrecision``, multiplied by the kernels of
/// one ``EncoderKernels`` table.
struct LinearLayer: Sendable {
    /// The weight in its storage precision.
    enum Weight: Sendable {
        /// float32, `n × k` row-major: the table's `gemm_f32` on ``LinearLayer/packedFloat32``,
        /// or the BLAS.
        case float32([Float])
        /// bfloat16, multiplied by the table's `gemm_bf16`.
        case bfloat16(BFloat16LinearWeights)
        /// int8 with per-channel scales, multiplied by the table's `gemm_u8s8`.
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
    /// columns for the table's `gemm_f32` (AVX2, AVX-512 or NEON). `nil` on ``MatrixPath/blas``
    /// and for other precisions. The row-major float32 weight is kept as well (for saving a
    /// mixed-precision model).
    let packedFloat32: [Float]?
    /// The kernel table that multiplies (and packed) the weight.
    let kernels: EncoderKernels
    /// For int8 with static (calibrated) activation quantization: the largest |x| expected at
    /// the input; `nil` quantizes each token with its own maximum (dynamic).
    var inputMaximum: Float?

    /// The layer with `weight` (`outputWidth × inputWidth` float32, row-major) converted to `precision`.
    init(weight: [Float], bias: [Float], outputWidth: Int, inputWidth: Int, precision: WeightPrecision,
         path: MatrixPath = .current, kernels: EncoderKernels = .current) {
        precondition(weight.count == outputWidth * inputWidth && bias.count == outputWidth)
        let converted: Weight
        switch precision {
        case .float32: converted = .float32(weight)
        case .bfloat16:
            converted = .bfloat16(BFloat16LinearWeights(weight: weight, outputWidth: outputWidth, inputWidth: inputWidth,
                                                        kernels: kernels))
        case .int8:
            converted = .int8(Int8LinearWeights(weight: weight, outputWidth: outputWidth, inputWidth: inputWidth,
                                                kernels: kernels))
        }
        self.init(weight: converted, bias: bias, outputWidth: outputWidth, inputWidth: inputWidth, path: path,
                  kernels: kernels)
    }

    /// The layer with an already converted weight (packed by `kernels` for bf16 and int8).
    init(weight: Weight, bias: [Float], outputWidth: Int, inputWidth: Int, inputMaximum: Float? = nil,
         path: MatrixPath = .current, kernels: EncoderKernels = .current) {
        if case .float32(let values) = weight, path == .packed {
            self.packedFloat32 = Self.pack(values, outputWidth: outputWidth, inputWidth: inputWidth)
        } else {
            self.packedFloat32 = nil
        }
        self.weight = weight
        self.bias = bias
        self.outputWidth = outputWidth
        self.inputWidth = inputWidth
        self.kernels = kernels
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

    /// The float32 `weight` (`outputWidth × inputWidth`) in the fp32 GEMM's panel layout.
    private static func pack(_ weight: [Float], outputWidth: Int, inputWidth: Int) -> [Float] {
        let count = sek_f32_packed_count(outputWidth, inputWidth)
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            weight.withUnsafeBufferPointer { sek_pack_f32($0.baseAddress, outputWidth, inputWidth, buffer.baseAddress) }
            initialized = count
        }
    }

    /// Writes `output[rows × n] = input[rows × k] · Wᵀ + b` (row-major, row strides `n` and `k`).
    func apply(input: UnsafePointer<Float>, rows: Int, output: UnsafeMutablePointer<Float>) {
        guard rows > 0 else { return }
        bias.withUnsafeBufferPointer { bias in
            let bias = bias.baseAddress!
            switch weight {
            case .float32(let weight):
                if let packedFloat32 {
                    packedFloat32.withUnsafeBufferPointer { packed in
                        kernels.table.gemm_f32(input, inputWidth, packed.baseAddress, bias, output, outputWidth,
                                               rows, outputWidth, inputWidth)
                    }
                } else {
                    // The BLAS accumulates onto the bias rows.
                    for row in 0..<rows { (output + row * outputWidth).update(from: bias, count: outputWidth) }
                    weight.withUnsafeBufferPointer { weight in
                        MatrixMultiply.multiplyTransposed(
                            m: rows, n: outputWidth, k: inputWidth,
                            a: input, lda: inputWidth, b: weight.baseAddress!, ldb: inputWidth,
                            beta: 1, c: output, ldc: outputWidth)
                    }
                }
            case .bfloat16(let weight):
                weight.apply(input: input, rows: rows, bias: bias, output: output)
            case .int8(let weight):
                weight.apply(input: input, rows: rows, bias: bias, output: output, inputMaximum: inputMaximum)
            }
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
