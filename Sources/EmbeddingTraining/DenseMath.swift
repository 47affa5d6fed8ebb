/// Small dense linear algebra in double precision for head training: products with one operand
/// transposed (contiguous dot products, four SIMD lanes), and a symmetric eigensolver.
enum DenseMath {
    /// `C = A · Bᵀ` with A `m × k` and B `n × k` (row-major); C is `m × n`.
    static func multiplyTransposed(_ a: [Double], rows m: Int, _ b: [Double], rows n: Int, inner k: Int) -> [Double] {
        var c = [Double](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    for i in 0..<m {
                        let row = a.baseAddress! + i * k
                        for j in 0..<n { c[i * n + j] = dot(row, b.baseAddress! + j * k, k) }
                    }
                }
            }
        }
        return c
    }

    /// `Σ_t x[t]·y[t]` over `k` values, four partial sums.
    @inline(__always)
    static func dot(_ x: UnsafePointer<Double>, _ y: UnsafePointer<Double>, _ k: Int) -> Double {
        var acc = SIMD4<Double>()
        var t = 0
        while t + 4 <= k {
            acc += UnsafeRawPointer(x + t).loadUnaligned(as: SIMD4<Double>.self)
                * UnsafeRawPointer(y + t).loadUnaligned(as: SIMD4<Double>.self)
            t += 4
        }
        var total = acc.sum()
        while t < k {
            total += x[t] * y[t]
            t += 1
        }
        return total
    }

    /// `Gᵀ · X` accumulated into `out` (`G` is `n × p`, `X` is `n × k`, `out` is `p × k`).
    static func accumulateTransposedProduct(_ g: [Double], _ x: [Double], rows n: Int, p: Int, k: Int, into out: inout [Double]) {
        g.withUnsafeBufferPointer { g in
            x.withUnsafeBufferPointer { x in
                out.withUnsafeMutableBufferPointer { out in
                    for row in 0..<n {
                        let source = x.baseAddress! + row * k
                        for i in 0..<p {
                            let factor = g[row * p + i]
                            if factor == 0 { continue }
                            let target = out.baseAddress! + i * k
                            for t in 0..<k { target[t] += factor * source[t] }
                        }
                    }
                }
            }
        }
    }

    /// Eigen-decomposition of a symmetric `n × n` matrix by cyclic Jacobi rotations: eigenvalues
    /// in decreasing order and the matching unit eigenvectors as the rows of the second result.
    static func symmetricEigen(_ matrix: [Double], dimension n: Int, sweeps: Int = 30) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        for _ in 0..<sweeps {
            var off = 0.0, total = 0.0
            for i in 0..<n {
                for j in 0..<n {
                    total += a[i * n + j] * a[i * n + j]
                    if i != j { off += a[i * n + j] * a[i * n + j] }
                }
            }
            if off <= 1e-22 * max(total, 1e-300) { break }
            for p in 0..<n {
                for q in (p + 1)..<n {
                    let apq = a[p * n + q]
                    if abs(apq) < 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] }
        var vectors = [Double](repeating: 0, count: n * n)
        for (row, column) in order.enumerated() {
            for k in 0..<n { vectors[row * n + k] = v[k * n + column] }
        }
        return (order.map { a[$0 * n + $0] }, vectors)
    }
}
