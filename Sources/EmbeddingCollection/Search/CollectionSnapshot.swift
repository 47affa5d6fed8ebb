import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// A consistent, immutable view of a collection: the segments and memory chunks of one moment.
/// Taking one costs a pointer copy; later writes, flushes and merges do not change it (the files
/// of segments merged away stay readable through the descriptors it holds). Safe to search from
/// several threads at once.
public struct CollectionSnapshot: Sendable {
    let state: CollectionState

    /// The collection's configuration (ranges included once known).
    public var configuration: CollectionConfiguration { state.configuration }
    /// Live points.
    public var count: Int { state.count }
    /// Segments (files) in the snapshot.
    public var segmentCount: Int { state.segments.count }
    /// Rows in memory (written since the last flush, replaced ones included).
    public var memoryRows: Int { state.memoryRows }
    /// The sequence number of the last batch the snapshot includes.
    public var sequence: UInt64 { state.lastSequence }
    /// The manifest generation the segments come from.
    public var generation: UInt64 { state.manifest.generation }
    /// Each segment's file name, stored rows and deleted rows.
    public var segments: [(file: String, rows: Int, deleted: Int)] {
        state.segments.indices.map { (state.segments[$0].file, state.segments[$0].rowCount, state.segmentDeleted[$0].count) }
    }

    /// The points of `ids`, in order: whether each is present and its payload.
    ///
    /// - Throws: ``CollectionError`` for a payload that cannot be read.
    public func get(_ ids: [String]) throws(CollectionError) -> [CollectionPoint] {
        var points: [CollectionPoint] = []
        points.reserveCapacity(ids.count)
        for id in ids {
            switch state.location(of: id) {
            case .segment(let segment, let row):
                points.append(CollectionPoint(id: id, found: true, payload: try state.segments[segment].payload(row: row)))
            case .chunk(let chunk, let row):
                points.append(CollectionPoint(id: id, found: true, payload: state.chunks[chunk].payloads[row]))
            case nil:
                points.append(CollectionPoint(id: id, found: false, payload: nil))
            }
        }
        return points
    }

    /// The float32 vector of the point `id` when the collection keeps vectors exactly (its fast or
    /// its rescoring precision is `float32`); `nil` when it keeps only coarser codes or has no such
    /// point.
    ///
    /// - Throws: ``CollectionError/segment(_:)`` for codes that cannot be read.
    public func storedVector(of id: String) throws(CollectionError) -> [Float]? {
        let configuration = state.configuration
        let fromFast = configuration.precision == .float32
        guard fromFast || configuration.rescoring == .float32 else { return nil }
        let bytes: [UInt8]
        switch state.location(of: id) {
        case .segment(let segment, let row):
            let view = state.segments[segment]
            do throws(IndexFileError) {
                bytes = try (fromFast ? view.fastInFile : view.rescoring)?.rows([row]) ?? []
            } catch {
                throw .segment(error)
            }
        case .chunk(let chunk, let row):
            let memory = state.chunks[chunk]
            let codes: QuantizedEmbeddings? = fromFast ? memory.fastCodes : memory.rescoringCodes
            bytes = codes.map { Array($0[row: row]) } ?? []
        case nil:
            return nil
        }
        guard bytes.count == configuration.dimension * 4 else { return nil }
        // float32 codes are IEEE 754 binary32, little-endian.
        return (0..<configuration.dimension).map { index in
            let base = index * 4
            return Float(bitPattern: UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8 | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24)
        }
    }

    /// Every live id (order unspecified: segments, then memory).
    public var ids: [String] {
        var ids: [String] = []
        for (index, segment) in state.segments.enumerated() {
            for row in 0..<segment.rowCount where !state.segmentDeleted[index].contains(row) { ids.append(segment.ids[row]) }
        }
        for (index, chunk) in state.chunks.enumerated() {
            for row in 0..<chunk.rowCount where !state.chunkDeleted[index].contains(row) { ids.append(chunk.ids[row]) }
        }
        return ids
    }

    /// The best `k` live points for each float32 query, among those whose payload satisfies
    /// `filter` (every point when `nil`). Exact at every selectivity: each segment and memory
    /// chunk is scanned with a row filter of its allowed rows (from the payload index when it
    /// covers the filter's keys), and the per-part hits are merged.
    ///
    /// - Parameters:
    ///   - queries: `m × dimension` float32 queries.
    ///   - k: hits per query (≥ 1).
    ///   - filter: a payload filter, or `nil`.
    ///   - rescoreMultiplier: rescore the best `k × multiplier` candidates of each part with the
    ///     finer codes (scores become inner products of the float query with them); `nil` keeps
    ///     the fast codes' scores.
    ///   - threads: threads per scan (`nil`: every core).
    ///   - payloads: whether the hits carry their payloads.
    /// - Throws: ``CollectionError/search(_:)`` (k, dimension, a failed read),
    ///   ``CollectionError/invalidArgument(_:)`` for a multiplier without finer codes.
    public func search(
        _ queries: EmbeddingMatrix, k: Int, filter: PayloadFilter? = nil, rescoreMultiplier: Int? = nil,
        threads: Int? = nil, payloads: Bool = false
    ) throws(CollectionError) -> CollectionResults {
        let configuration = state.configuration
        guard k >= 1 else { throw .search(.invalidK(k)) }
        guard queries.dimension == configuration.dimension else {
            throw .dimensionMismatch(expected: configuration.dimension, actual: queries.dimension, what: "the queries")
        }
        if rescoreMultiplier != nil, configuration.rescoring == nil {
            throw .invalidArgument("the collection has no finer codes to rescore with (create it with a rescoring precision)")
        }
        let metric: Metric = rescoreMultiplier != nil ? .innerProduct : Metric.symmetric(for: configuration.precision)
        let indexedKeys = configuration.indexedPayloadKeys.map(Set.init)
        // (part, row, score) per query; parts are segments, then chunks.
        var candidates = [[(part: Int, row: Int, score: Double)]](repeating: [], count: queries.rowCount)
        let parameters = { (filter: RowFilter?) in
            SearchParameters(filter: filter, threads: threads, rescoreMultiplier: rescoreMultiplier)
        }
        for (index, segment) in state.segments.enumerated() {
            let deleted = state.segmentDeleted[index]
            var allowed = deleted.complement
            if let filter { allowed = try segment.rows(matching: filter, among: allowed, indexedKeys: indexedKeys) }
            guard allowed.count > 0 else { continue }
            let rowFilter: RowFilter? = allowed.count == segment.rowCount ? nil : .allowing(allowed)
            let results: SearchResults
            do {
                if rescoreMultiplier != nil, let refined = segment.refined {
                    results = try refined.search(queries, k: k, parameters: parameters(rowFilter))
                } else {
                    results = try segment.fast.search(queries, k: k, parameters: parameters(rowFilter))
                }
            } catch {
                throw .search(.inIndex(path: segment.path, error))
            }
            for (query, hits) in results.enumerated() { candidates[query] += hits.map { (index, $0.row, $0.score) } }
        }
        let base = state.segments.count
        for (index, chunk) in state.chunks.enumerated() {
            var allowed = state.chunkDeleted[index].complement
            if let filter { allowed = chunk.rows(matching: filter, among: allowed) }
            guard allowed.count > 0 else { continue }
            let rowFilter: RowFilter? = allowed.count == chunk.rowCount ? nil : .allowing(allowed)
            let results: SearchResults
            do {
                if rescoreMultiplier != nil, let refined = chunk.refined {
                    results = try refined.search(queries, k: k, parameters: parameters(rowFilter))
                } else {
                    results = try chunk.fast.search(queries, k: k, parameters: parameters(rowFilter))
                }
            } catch {
                throw .search(error)
            }
            for (query, hits) in results.enumerated() { candidates[query] += hits.map { (base + index, $0.row, $0.score) } }
        }
        var hits: [[CollectionHit]] = []
        hits.reserveCapacity(queries.rowCount)
        for list in candidates {
            let best = list.sorted { a, b in
                let left = metric.rankingValue(of: a.score), right = metric.rankingValue(of: b.score)
                if left != right { return left > right }
                return (a.part, a.row) < (b.part, b.row)
            }.prefix(k)
            var queryHits: [CollectionHit] = []
            for candidate in best {
                let id: String
                var payload: Payload?
                if candidate.part < base {
                    let segment = state.segments[candidate.part]
                    id = segment.ids[candidate.row]
                    if payloads { payload = try segment.payload(row: candidate.row) }
                } else {
                    let chunk = state.chunks[candidate.part - base]
                    id = chunk.ids[candidate.row]
                    if payloads { payload = chunk.payloads[candidate.row] }
                }
                queryHits.append(CollectionHit(id: id, score: candidate.score, payload: payload))
            }
            hits.append(queryHits)
        }
        return CollectionResults(metric: metric, hits: hits)
    }
}
