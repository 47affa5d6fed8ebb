extension EmbeddingMatrix {
    /// The first `dimension` columns of every row (Matryoshka truncation, sentence-transformers'
    /// `truncate_dim`), each row then divided by its L2 norm when `normalize` is set (as
    /// `normalize_embeddings` does after truncation: norm at least 1e-12, sums in double).
    ///
    /// - Throws: ``QuantizationError/invalidParameter(_:)`` when `dimension` is outside
    ///   `1 ... self.dimension`.
    public func truncated(to dimension: Int, normalize: Bool = false) throws(QuantizationError) -> EmbeddingMatrix {
        guard dimension >= 1, dimension <= self.dimension else {
            throw QuantizationError.invalidParameter("cannot truncate \(self.dimension)-dimensional embeddings to \(dimension) dimensions")
        }
        var result = [Float]()
        result.reserveCapacity(rowCount * dimension)
        for row in 0..<rowCount {
            let start = row * self.dimension
            let slice = values[start..<(start + dimension)]
            if normalize {
                let norm = slice.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                let scale = Float(1 / max(norm, 1e-12))
                result.append(contentsOf: slice.map { $0 * scale })
            } else {
                result.append(contentsOf: slice)
            }
        }
        return try EmbeddingMatrix(rowCount: rowCount, dimension: dimension, values: result)
    }
}
