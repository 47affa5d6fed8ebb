import EmbeddingQuantization

/// Heads that need no gradient: principal components, and ITQ (iterative quantization, Gong &
/// Lazebnik 2011: the rotation of the principal components that makes their signs the closest
/// binary codes), the baseline a trained head is measured against.
public enum IterativeQuantization {
    /// The mean and the top `outputDimension` principal directions (rows, `d′ × d`) of `rows`
    /// (`n × d` doubles), from the covariance's eigenvectors.
    static func principalComponents(_ rows: [Double], count n: Int, dimension d: Int, outputDimension p: Int) -> (mean: [Double], directions: [Double]) {
        var mean = [Double](repeating: 0, count: d)
        for row in 0..<n { for k in 0..<d { mean[k] += rows[row * d + k] } }
        for k in 0..<d { mean[k] /= Double(max(n, 1)) }
        var centred = rows
        for row in 0..<n { for k in 0..<d { centred[row * d + k] -= mean[k] } }
        // Covariance = Xᵀ X / n, built as (Xᵀ)(Xᵀ)ᵀ from the transposed rows.
        var transposed = [Double](repeating: 0, count: n * d)
        for row in 0..<n { for k in 0..<d { transposed[k * n + row] = centred[row * d + k] } }
        var covariance = DenseMath.multiplyTransposed(transposed, rows: d, transposed, rows: d, inner: n)
        for index in covariance.indices { covariance[index] /= Double(max(n, 1)) }
        let (_, vectors) = DenseMath.symmetricEigen(covariance, dimension: d)
        return (mean, Array(vectors[0..<(p * d)]))
    }

    /// The PCA head: `y = P·(x − μ)` when `centred`, else `y = P·x`.
    ///
    /// Uncentred heads are for codes that centre the corpus themselves (RaBitQ keeps its own
    /// centroid and adds the query's product with it back): there `y_q · y_x = (P·q) · (P·x)`
    /// ranks documents as the truncated inner product does, while a head that also subtracts μ
    /// from the query ranks by `P·(q − μ) · P·x` and re-weights every document by its product
    /// with the mean (on SciFact: 91.9 % NDCG@10 retention for 2-bit RaBitQ on 192 centred
    /// components against 97–98 % uncentred).
    public static func pcaHead(
        _ embeddings: [Double], count n: Int, dimension d: Int, outputDimension p: Int, centred: Bool = true
    ) throws(TrainingError) -> ProjectionHead {
        guard n >= 2 else { throw .tooFewRows(rows: n, needed: 2, what: "PCA") }
        let (mean, directions) = principalComponents(embeddings, count: n, dimension: d, outputDimension: p)
        return try head(directions: directions, mean: centred ? mean : [Double](repeating: 0, count: d), dimension: d, outputDimension: p)
    }

    /// ITQ: PCA to `outputDimension`, then `iterations` alternations of `B = sign(V·R)` and the
    /// orthogonal `R` minimizing `‖B − V·R‖` (the polar factor of `Vᵀ·B`), R starting from a
    /// seeded random rotation. The head maps `x` to `Rᵀ·P·(x − μ)`.
    public static func itqHead(
        _ embeddings: [Double], count n: Int, dimension d: Int, outputDimension p: Int, iterations: Int = 50, seed: UInt64 = 1
    ) throws(TrainingError) -> ProjectionHead {
        guard n >= 2 else { throw .tooFewRows(rows: n, needed: 2, what: "ITQ") }
        let (mean, directions) = principalComponents(embeddings, count: n, dimension: d, outputDimension: p)
        var centred = embeddings
        for row in 0..<n { for k in 0..<d { centred[row * d + k] -= mean[k] } }
        let projected = DenseMath.multiplyTransposed(centred, rows: n, directions, rows: p, inner: d)  // V: n × p
        var rotation = try randomOrthogonal(p, seed: seed)  // R: p × p, stored row-major
        var vTransposed = [Double](repeating: 0, count: n * p)
        for row in 0..<n { for i in 0..<p { vTransposed[i * n + row] = projected[row * p + i] } }
        for _ in 0..<iterations {
            // B = sign(V·R): (V·R)[row, j] = Σ_i V[row, i]·R[i, j] = V · (Rᵀ)ᵀ.
            let rotationTransposed = transpose(rotation, p)
            let vr = DenseMath.multiplyTransposed(projected, rows: n, rotationTransposed, rows: p, inner: p)
            let signs = vr.map { $0 > 0 ? 1.0 : -1.0 }
            var signsTransposed = [Double](repeating: 0, count: n * p)
            for row in 0..<n { for j in 0..<p { signsTransposed[j * n + row] = signs[row * p + j] } }
            let m = DenseMath.multiplyTransposed(vTransposed, rows: p, signsTransposed, rows: p, inner: n)  // Vᵀ·B
            rotation = polarFactor(m, p)
        }
        // y = Rᵀ·P·(x − μ): W = Rᵀ·P (rows: Σ_i R[i, j]·P[i, :]).
        var weights = [Double](repeating: 0, count: p * d)
        for j in 0..<p { for i in 0..<p { let r = rotation[i * p + j]; for k in 0..<d { weights[j * d + k] += r * directions[i * d + k] } } }
        return try head(directions: weights, mean: mean, dimension: d, outputDimension: p)
    }

    /// The head `y = W·x − W·μ` (centred; unit scales).
    static func head(directions: [Double], mean: [Double], dimension d: Int, outputDimension p: Int) throws(TrainingError) -> ProjectionHead {
        let shifted = DenseMath.multiplyTransposed(mean, rows: 1, directions, rows: p, inner: d)
        return try ProjectionHead(
            inputDimension: d, outputDimension: p, weights: directions, scales: [Double](repeating: 1, count: p), offsets: shifted)
    }

    static func transpose(_ m: [Double], _ n: Int) -> [Double] {
        var t = m
        for i in 0..<n { for j in 0..<n { t[j * n + i] = m[i * n + j] } }
        return t
    }

    /// The orthogonal polar factor of a square matrix (`U·Vᵀ` of its SVD) by the Newton–Schulz
    /// iteration `X ← X·(3I − XᵀX)/2` from `X₀ = M / ‖M‖_F`: every nonzero singular value moves
    /// towards 1 (×1.5 per step while small, quadratically near 1) and the singular vectors stay.
    /// It stops at `max |XᵀX − I|` ≤ 1e-12, or when X moves by ≤ 1e-14 (a singular M, whose zero
    /// singular values stay zero), after at most 100 steps; a singular limit is completed to an
    /// orthogonal matrix (``completedOrthogonal(_:_:)``). Matrix products only: seconds at
    /// n = 384, where a Jacobi eigensolver of `MᵀM` took minutes and squared the condition number.
    static func polarFactor(_ m: [Double], _ n: Int) -> [Double] {
        let norm = m.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else {
            var identity = [Double](repeating: 0, count: n * n)
            for i in 0..<n { identity[i * n + i] = 1 }
            return identity
        }
        var x = m.map { $0 / norm }
        for _ in 0..<100 {
            let xt = transpose(x, n)
            var step = DenseMath.multiplyTransposed(xt, rows: n, xt, rows: n, inner: n)  // XᵀX
            var deviation = 0.0
            for i in 0..<n {
                for j in 0..<n {
                    let g = step[i * n + j]
                    deviation = max(deviation, abs(g - (i == j ? 1 : 0)))
                    step[i * n + j] = ((i == j ? 3 : 0) - g) / 2
                }
            }
            if deviation <= 1e-12 { return x }  // orthogonal: nothing to complete
            // X·(3I − XᵀX)/2; the factor is symmetric, so it is its own transpose.
            let next = DenseMath.multiplyTransposed(x, rows: n, step, rows: n, inner: n)
            // A singular M never reaches XᵀX = I: stop when X no longer moves.
            let change = zip(next, x).reduce(0.0) { max($0, abs($1.0 - $1.1)) }
            x = next
            if change <= 1e-14 { break }
        }
        return completedOrthogonal(x, n)
    }

    /// `x` completed to an orthogonal matrix. For a singular `M` the Newton–Schulz limit is a
    /// partial isometry `U_r·V_rᵀ` (rank r < n: zero singular values stay zero — SciFact's MiniLM
    /// corpus covariance has rank 381 of 384, so ITQ's `Vᵀ·B` has zero rows); this adds
    /// `Σ u_k·v_kᵀ` over orthonormal bases of its left and right null spaces (any pairing keeps
    /// `Rᵀ·M` symmetric positive semidefinite). A full-rank `x` is returned unchanged.
    static func completedOrthogonal(_ x: [Double], _ n: Int) -> [Double] {
        let xt = transpose(x, n)
        let gram = DenseMath.multiplyTransposed(xt, rows: n, xt, rows: n, inner: n)  // XᵀX
        let rank = Int((0..<n).reduce(0.0) { $0 + gram[$1 * n + $1] }.rounded())
        guard rank < n else { return x }
        let outer = DenseMath.multiplyTransposed(x, rows: n, x, rows: n, inner: n)  // X·Xᵀ
        /// Orthonormal vectors spanning the range of `I − projector` (n − rank of them): the
        /// columns of `I − projector`, the longest one taken each round (column pivoting) and
        /// projected out of the rest.
        func nullBasis(_ projector: [Double]) -> [[Double]] {
            var candidates = (0..<n).map { i in (0..<n).map { (i == $0 ? 1 : 0) - projector[$0 * n + i] } }
            var basis: [[Double]] = []
            for _ in 0..<(n - rank) {
                let norms = candidates.map { $0.reduce(0.0) { $0 + $1 * $1 } }
                guard let best = norms.indices.max(by: { norms[$0] < norms[$1] }), norms[best] > 1e-20 else { break }
                let b = candidates[best].map { $0 / norms[best].squareRoot() }
                basis.append(b)
                for c in candidates.indices {
                    let dot = zip(b, candidates[c]).reduce(0.0) { $0 + $1.0 * $1.1 }
                    for k in 0..<n { candidates[c][k] -= dot * b[k] }
                }
            }
            return basis
        }
        var result = x
        for (u, v) in zip(nullBasis(outer), nullBasis(gram)) {
            for i in 0..<n { for j in 0..<n { result[i * n + j] += u[i] * v[j] } }
        }
        return result
    }

    /// A seeded random orthogonal `n × n` matrix (``RaBitQRotation``'s construction, in doubles).
    static func randomOrthogonal(_ n: Int, seed: UInt64) throws(TrainingError) -> [Double] {
        do {
            return try RaBitQRotation.random(dimension: n, seed: seed).matrix.map(Double.init)
        } catch {
            throw .invalidParameter("rotation: \(error)")
        }
    }
}
