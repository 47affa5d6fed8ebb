import EmbeddingGraph
import EmbeddingQuantization

/// How a collection searches its segments' fast codes: an exact scan, or an HNSW graph per
/// segment (docs/HNSW.md, "Collections"). Fixed when the collection is created and recorded in
/// its manifest.
///
/// With ``hnsw(_:)`` every segment file carries the graph of its fast codes as its checksummed
/// graph section, built when the segment is written (flush, merge, ``VectorCollection/buildSegment(for:ids:vectors:payloads:to:)``)
/// with the recorded parameters and seed, so a segment and its graph are replaced together.
public enum CollectionIndex: Sendable, Equatable {
    /// Every segment's fast codes are scanned exactly (the default).
    case flat
    /// Every segment has an HNSW graph over its fast codes, built with these parameters (M,
    /// ef_construction, seed); searches walk it unless they ask for exact results.
    case hnsw(HNSWParameters)

    /// The kind's name: `"flat"` or `"hnsw"` (what `--index` takes and `collection info` shows).
    public var name: String {
        switch self {
        case .flat: return "flat"
        case .hnsw: return "hnsw"
        }
    }

    /// The graph parameters, `nil` for ``flat``.
    public var graphParameters: HNSWParameters? {
        switch self {
        case .flat: return nil
        case .hnsw(let parameters): return parameters
        }
    }

    /// Fast-code precisions a graph can index (those with a graph distance: Hamming, the
    /// ternary and int8 integer dot products, the float dot product).
    public static let graphPrecisions: Set<Precision> = [.binary, .ubinary, .ternary, .int8, .float32, .float16, .bfloat16]

    /// Checks the parameters and that `precision` fast codes have a graph distance.
    ///
    /// - Throws: ``CollectionError/invalidConfiguration(_:)`` naming the problem.
    func validate(precision: Precision) throws(CollectionError) {
        guard let parameters = graphParameters else { return }
        guard Self.graphPrecisions.contains(precision) else {
            throw .invalidConfiguration("an HNSW graph cannot index \(precision.rawValue) fast codes (it indexes \(Self.graphPrecisions.map(\.rawValue).sorted().joined(separator: ", ")))")
        }
        do {
            try parameters.validate()
        } catch {
            throw .invalidConfiguration("HNSW: \(error.description)")
        }
    }
}
