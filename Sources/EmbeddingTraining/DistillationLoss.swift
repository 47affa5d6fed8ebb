import Foundation

/// The training loss of a head and its gradient: a listwise KL divergence between a target
/// distribution over a pool of documents (the float teacher's `softmax(⟨x_q, x_d⟩ / τ)`, or the
/// one-hot positive of a labelled pair: MultipleNegativesRanking) and the student's
/// `softmax(γ · ⟨c_q, c_d⟩ / d′)` over the quantized head outputs `c = Q(s ⊙ (W·x) − b)`.
///
/// Everything is in double precision; the quantizer's gradient is straight-through
/// (``HeadQuantizer``). With ``HeadQuantizer/identity`` the gradient is exact, which the tests
/// check against finite differences.
struct DistillationLoss {
    /// The gradient of the loss with respect to every trained parameter.
    struct Gradient {
        var weights: [Double]
        var scales: [Double]
        var offsets: [Double]
        var logTemperature: Double

        static func zero(inputDimension d: Int, outputDimension p: Int) -> Gradient {
            Gradient(weights: [Double](repeating: 0, count: p * d), scales: [Double](repeating: 0, count: p),
                     offsets: [Double](repeating: 0, count: p), logTemperature: 0)
        }

        mutating func add(_ other: Gradient, weight: Double = 1) {
            for i in weights.indices { weights[i] += weight * other.weights[i] }
            for i in scales.indices { scales[i] += weight * other.scales[i] }
            for i in offsets.indices { offsets[i] += weight * other.offsets[i] }
            logTemperature += weight * other.logTemperature
        }
    }

    let quantizer: HeadQuantizer

    /// The mean loss over the `b` queries of `target` (`b × n` rows, each a distribution over the
    /// `n` documents) and its gradient.
    ///
    /// - Parameters:
    ///   - queries: `b × d` float embeddings; `documents`: `n × d`.
    func evaluate(
        head: ProjectionHead, logTemperature: Double, queries: [Double], queryCount b: Int,
        documents: [Double], documentCount n: Int, target: [Double]
    ) -> (loss: Double, gradient: Gradient) {
        let d = head.inputDimension, p = head.outputDimension
        let linearQ = DenseMath.multiplyTransposed(queries, rows: b, head.weights, rows: p, inner: d)
        let linearD = DenseMath.multiplyTransposed(documents, rows: n, head.weights, rows: p, inner: d)
        var outputs = [Double](repeating: 0, count: (b + n) * p)
        for row in 0..<(b + n) {
            for i in 0..<p {
                let a = row < b ? linearQ[row * p + i] : linearD[(row - b) * p + i]
                outputs[row * p + i] = head.scales[i] * a - head.offsets[i]
            }
        }
        let (codes, mask) = quantizer.forward(outputs, rows: b + n, dimension: p)
        let codesQ = Array(codes[0..<(b * p)]), codesD = Array(codes[(b * p)...])
        var similarity = DenseMath.multiplyTransposed(codesQ, rows: b, codesD, rows: n, inner: p)
        for index in similarity.indices { similarity[index] /= Double(p) }
        let gamma = exp(logTemperature)
        var loss = 0.0
        var dLogits = [Double](repeating: 0, count: b * n)
        var dLogTemperature = 0.0
        for q in 0..<b {
            var largest = -Double.infinity
            for j in 0..<n { largest = max(largest, gamma * similarity[q * n + j]) }
            var total = 0.0
            for j in 0..<n { total += exp(gamma * similarity[q * n + j] - largest) }
            let logTotal = log(total) + largest
            for j in 0..<n {
                let logStudent = gamma * similarity[q * n + j] - logTotal
                let t = target[q * n + j]
                if t > 0 { loss += t * (log(t) - logStudent) }
                let g = (exp(logStudent) - t) / Double(b)
                dLogits[q * n + j] = g
                dLogTemperature += g * gamma * similarity[q * n + j]
            }
        }
        loss /= Double(b)
        // dS = γ·dLogits / d′ folded in; dC_Q = dS·C_D, dC_D = dSᵀ·C_Q.
        let factor = gamma / Double(p)
        var dOutputs = [Double](repeating: 0, count: (b + n) * p)
        for q in 0..<b {
            for j in 0..<n {
                let g = dLogits[q * n + j] * factor
                if g == 0 { continue }
                for i in 0..<p {
                    dOutputs[q * p + i] += g * codesD[j * p + i]
                    dOutputs[(b + j) * p + i] += g * codesQ[q * p + i]
                }
            }
        }
        var gradient = Gradient.zero(inputDimension: d, outputDimension: p)
        gradient.logTemperature = dLogTemperature
        var dLinear = [Double](repeating: 0, count: (b + n) * p)
        for row in 0..<(b + n) {
            for i in 0..<p {
                let dy = dOutputs[row * p + i] * mask[row * p + i]
                let a = row < b ? linearQ[row * p + i] : linearD[(row - b) * p + i]
                gradient.scales[i] += dy * a
                gradient.offsets[i] -= dy
                dLinear[row * p + i] = dy * head.scales[i]
            }
        }
        DenseMath.accumulateTransposedProduct(Array(dLinear[0..<(b * p)]), queries, rows: b, p: p, k: d, into: &gradient.weights)
        DenseMath.accumulateTransposedProduct(Array(dLinear[(b * p)...]), documents, rows: n, p: p, k: d, into: &gradient.weights)
        return (loss, gradient)
    }
}
