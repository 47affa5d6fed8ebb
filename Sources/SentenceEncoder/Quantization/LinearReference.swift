/// Plain-Swift references of the quantized products, for tests: the arithmetic the C kernels
/// document, written as directly as possible (exact Int32 sums and one fused multiply-add for
/// int8; one fused multiply-add chain from the bias for bf16), so that the kernels match them bit
/// for bit (the native bf16 dot products up to their stated bound).
enum LinearReference {
    /// `x · Wᵀ + b` for int8: `x` (`rows × k`) quantized per row as the kernels' `quantize_rows_u8` does,
    /// `codes` (`n × k`) and `scales` (`n`) from ``Int8LinearWeights/quantize(_:outputWidth:inputWidth:)``.
    static func int8(input: [Float], rows: Int, codes: [Int8], scales: [Float], bias: [Float],
                     outputWidth n: Int, inputWidth k: Int, inputMaximum: Float? = nil) -> [Float] {
        var output = [Float](repeating: 0, count: rows * n)
        for row in 0..<rows {
            let x = input[(row * k)..<((row + 1) * k)]
            let maximum = inputMaximum ?? x.reduce(Float(0)) { max($0, abs($1)) }
            let inverse: Float = maximum > 0 ? 127 / maximum : 0
            let activationScale = maximum / 127
            let q = x.map { Int32(min(max(($0 * inverse).rounded(.toNearestOrEven), -127), 127)) }
            for j in 0..<n {
                var sum: Int32 = 0
                for p in 0..<k { sum += q[p] * Int32(codes[j * k + p]) }
                output[row * n + j] = bias[j].addingProduct(Float(sum), activationScale * scales[j])
            }
        }
        return output
    }

    /// `bf16(x) · Wᵀ + b` with `values` the bfloat16 weights (`n × k`), float32 accumulation.
    static func bfloat16(input: [Float], rows: Int, values: [UInt16], bias: [Float], outputWidth n: Int, inputWidth k: Int) -> [Float] {
        var output = [Float](repeating: 0, count: rows * n)
        for row in 0..<rows {
            let x = input[(row * k)..<((row + 1) * k)].map { BFloat16.float(BFloat16.bits(rounding: $0)) }
            for j in 0..<n {
                var sum = bias[j]
                for p in 0..<k { sum = sum.addingProduct(x[p], BFloat16.float(values[j * k + p])) }
                output[row * n + j] = sum
            }
        }
        return output
    }
}
