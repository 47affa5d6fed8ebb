import EmbedQ

/// `--head HEAD`: a projection head (`embedq train-head`) applied to float embeddings, corpus and
/// queries alike, before calibration, quantization and search.
enum HeadArgument {
    /// The head at `path`, or `nil` without one.
    ///
    /// - Throws: ``CommandFailure`` naming the file when it is not a head.
    static func load(_ path: String?) throws -> ProjectionHead? {
        guard let path else { return nil }
        do {
            return try ProjectionHeadFile.read(contentsOf: path)
        } catch {
            throw CommandFailure("--head: \(error)")
        }
    }

    /// `matrix` mapped by `head` (unchanged without one).
    ///
    /// - Throws: ``CommandFailure`` naming `what` when its dimension is not the head's input.
    static func apply(_ head: ProjectionHead?, to matrix: EmbeddingMatrix, what: String) throws -> EmbeddingMatrix {
        guard let head else { return matrix }
        do {
            return try head.apply(matrix)
        } catch {
            throw CommandFailure("--head on \(what): \(error)")
        }
    }
}
