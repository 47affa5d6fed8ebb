import EmbeddingQuantization

/// A float query prepared for a RaBitQ scan: rotated, its centroid term, and its quantized
/// bit-planes (see `RaBitQKernels.h`: `q'_i ≈ low + delta · w_i`, nearest rounding).
struct RaBitQQuery: Sendable {
    /// `R·q`.
    let rotated: [Float]
    /// `⟨c, q⟩`.
    let centre: Float
    /// `‖R·q‖`.
    let norm: Float
    /// The unsigned codes `w_i`, one per dimension (what the lookup tables are made of).
    let codes: [UInt8]
    /// `query_bits × planeWords` words, plane b = bit b of every `w_i`.
    let planes: [UInt64]
    let queryBits: Int
    let low: Float
    let delta: Float
    /// `−(2^B − 1)/2 · Σ_i q̂_i` for codes of `codeBits` bits.
    let bias: Float

    init(query: [Float], rotation: RaBitQRotation, codeBits: Int, queryBits: Int, planeWords: Int) {
        let d = rotation.dimension
        rotated = rotation.rotate(query)
        var centre: Float = 0, squared: Float = 0
        for j in 0..<d {
            centre = centre.addingProduct(rotation.centroid[j], query[j])
            squared = squared.addingProduct(rotated[j], rotated[j])
        }
        self.centre = centre
        norm = squared.squareRoot()
        self.queryBits = queryBits
        let low = rotated.min() ?? 0, high = rotated.max() ?? 0
        let levels = Float((1 << queryBits) - 1)
        let delta = high > low ? (high - low) / levels : 1
        self.low = low
        self.delta = delta
        var planes = [UInt64](repeating: 0, count: queryBits * planeWords)
        var codeSum = 0
        var codes = [UInt8](repeating: 0, count: d)
        for j in 0..<d {
            let w = Int(min(max(((rotated[j] - low) / delta).rounded(), 0), levels))
            codeSum += w
            codes[j] = UInt8(w)
            // Dimension j sits in byte j >> 3 at bit 7 − (j & 7); bytes are read little-endian.
            let bit = UInt64(1) << UInt64(((j >> 3) & 7) * 8 + (7 - (j & 7)))
            for b in 0..<queryBits where (w >> b) & 1 == 1 { planes[b * planeWords + (j >> 6)] |= bit }
        }
        self.planes = planes
        self.codes = codes
        let quantizedSum = low * Float(d) + delta * Float(codeSum)
        bias = -Float((1 << codeBits) - 1) / 2 * quantizedSum
    }

    /// One standard deviation of the query-quantization error of `⟨y, q̂⟩` per unit of `‖y‖`
    /// (rounding errors uniform on ±delta/2).
    var quantizationSigma: Float { delta / Float(12).squareRoot() }
}

/// Float queries prepared once (``RaBitQIndex/prepare(_:parameters:threads:)``) for the scans of
/// every `RaBitQIndex` with the same rotation, centroid, code bits and query bits — the segments
/// and memory chunks of one collection — so each query is rotated and quantized once per search,
/// not once per part.
package struct RaBitQPreparedQueries: Sendable {
    /// The float queries, `d` values each.
    let queries: [[Float]]
    /// Each query rotated, its centroid term and its quantized bit-planes.
    let prepared: [RaBitQQuery]
    /// The rotation's centroid and its matrix's first and last rows: what the index searched
    /// checks (a cheap check, not a proof: rotations drawn with different seeds differ in every
    /// row; the seed itself is not kept by index files).
    let centroid: [Float]
    let firstRow: [Float]
    let lastRow: [Float]
    let dimension: Int
    let codeBits: Int
    let queryBits: Int

    /// Number of queries.
    package var count: Int { queries.count }
}
