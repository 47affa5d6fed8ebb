extension RaBitQRotation {
    /// The seed of the rotation drawn for RaBitQ codes made without one (an index file built
    /// without `--ranges` carrying a rotation, a collection's first batch).
    public static let defaultSeed: UInt64 = 1
}

extension QuantizationRanges {
    /// These ranges, given the centroid and rotation RaBitQ codes need when one of `precisions`
    /// is a RaBitQ-family precision (`rabitq1` … `rabitq4`) and they carry none: the mean of
    /// `embeddings` (`n × d`, the vectors being indexed) and the seeded rotation
    /// ``RaBitQRotation/defaultSeed``. Unchanged otherwise (a rotation already present is kept).
    ///
    /// - Throws: ``QuantizationError/dimensionMismatch(expected:actual:what:)`` when `embeddings`
    ///   do not have the ranges' dimension.
    public func addingDefaultRotation(for precisions: [Precision?], from embeddings: EmbeddingMatrix) throws(QuantizationError) -> QuantizationRanges {
        guard rotation == nil, precisions.contains(where: { $0?.rabitqCodeBits != nil }) else { return self }
        guard embeddings.dimension == dimension else {
            throw QuantizationError.dimensionMismatch(expected: dimension, actual: embeddings.dimension, what: "the vectors the RaBitQ centroid is taken from")
        }
        return try withRotation(RaBitQRotation.random(
            dimension: dimension, seed: RaBitQRotation.defaultSeed, centroid: RaBitQRotation.mean(of: embeddings)))
    }
}
