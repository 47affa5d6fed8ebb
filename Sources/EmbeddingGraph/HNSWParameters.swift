/// How an ``HNSWGraph`` is built: the connectivity, the breadth of the insertion searches and
/// the seed that decides every node's level.
///
/// The defaults are hnswlib's and USearch's usual ones (M 16, ef_construction 128).
public struct HNSWParameters: Sendable, Equatable {
    /// Neighbours per node on the upper levels (HNSW's `M`, ≥ 2); level 0 keeps twice as many
    /// (``baseConnectivity``). Each new node is linked to up to `M` neighbours per level.
    public var connectivity: Int
    /// Candidates each insertion search keeps (HNSW's `ef_construction`, ≥ 1): larger builds
    /// more slowly and gives a better graph.
    public var efConstruction: Int
    /// Seed of the level assignment: the same codes, parameters and seed give the same graph,
    /// byte for byte, whatever the thread count (see ``HNSWGraph/build(codes:parameters:threads:)``).
    public var seed: UInt64

    /// The largest connectivity accepted (neighbour lists stay a few cache lines long).
    public static let maximumConnectivity = 256
    /// The highest level a node is given (levels drawn above it are clamped).
    public static let maximumLevel = 31

    /// Parameters with `connectivity` M (default 16), `efConstruction` (default 128) and `seed`
    /// (default 0).
    public init(connectivity: Int = 16, efConstruction: Int = 128, seed: UInt64 = 0) {
        self.connectivity = connectivity
        self.efConstruction = efConstruction
        self.seed = seed
    }

    /// Slots of a level-0 neighbour list: `2 × connectivity`.
    public var baseConnectivity: Int { 2 * connectivity }

    /// Checks the values.
    ///
    /// - Throws: ``HNSWError/invalidParameter(name:value:reason:)`` for a connectivity outside
    ///   `2 ... maximumConnectivity` or an `efConstruction` below 1.
    public func validate() throws(HNSWError) {
        guard (2...Self.maximumConnectivity).contains(connectivity) else {
            throw HNSWError.invalidParameter(name: "M (connectivity)", value: connectivity, reason: "must be in 2 ... \(Self.maximumConnectivity)")
        }
        guard efConstruction >= 1 else {
            throw HNSWError.invalidParameter(name: "ef_construction", value: efConstruction, reason: "must be at least 1")
        }
    }
}
