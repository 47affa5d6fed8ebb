import EmbeddingGraph
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
                bytes = try (fromFast ? view.fastInFile as MappedCodes? : view.rescoring)?.rows([row]) ?? []
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
    /// `filter` (every point when `nil`). Each segment and memory chunk is searched with a row
    /// filter of its allowed rows (live rows, and those whose payload matches, from the payload
    /// index when it covers the filter's keys), and the per-part hits are merged.
    ///
    /// Exact unless the collection has a graph per segment (``CollectionIndex/hnsw(_:)``) and
    /// `exact` is `false`: then each segment's fast-code candidates come from a walk of its HNSW
    /// graph, `max(ef, k × multiplier)` wide (the row filter applied inside the walk; a filter
    /// allowing under 2 % of a segment's rows, or a breadth covering its allowed rows, scans
    /// them exactly instead), while the memory chunks are still scanned exactly. Deleted rows
    /// are never returned either way.
    ///
    /// With `rescoreMultiplier`, the first stage is shared by all parts: each part's best
    /// `k × multiplier` rows by the fast codes are merged into one shortlist of `k × multiplier`,
    /// and only those are rescored with the finer codes (`pread` for segments) — the candidates
    /// one segment holding every row would rescore, whatever the number of segments.
    ///
    /// - Parameters:
    ///   - queries: `m × dimension` float32 queries.
    ///   - k: hits per query (≥ 1).
    ///   - filter: a payload filter, or `nil`.
    ///   - rescoreMultiplier: rescore the best `k × multiplier` candidates by the fast codes with
    ///     the finer codes (scores become inner products of the float query with them); `nil`
    ///     keeps the fast codes' scores.
    ///   - ef: the graph walk's breadth (candidates kept, ≥ 1; `nil`: ``defaultEf``); the walk
    ///     keeps at least `k × multiplier`. Ignored by collections without graphs and with `exact`.
    ///   - exact: scan every segment exactly even when the collection has graphs.
    ///   - threads: threads per scan (`nil`: every core).
    ///   - payloads: whether the hits carry their payloads.
    /// - Throws: ``CollectionError/search(_:)`` (k, `ef`, dimension, a failed read),
    ///   ``CollectionError/invalidArgument(_:)`` for a multiplier below 1 or without finer codes.
    public func search(
        _ queries: EmbeddingMatrix, k: Int, filter: PayloadFilter? = nil, rescoreMultiplier: Int? = nil,
        ef: Int? = nil, exact: Bool = false, threads: Int? = nil, payloads: Bool = false
    ) throws(CollectionError) -> CollectionResults {
        let configuration = state.configuration
        guard k >= 1 else { throw .search(.invalidK(k)) }
        guard queries.dimension == configuration.dimension else {
            throw .dimensionMismatch(expected: configuration.dimension, actual: queries.dimension, what: "the queries")
        }
        if let ef, ef < 1 { throw .search(.invalidEf(ef)) }
        if let rescoreMultiplier {
            guard configuration.rescoring != nil else {
                throw .invalidArgument("the collection has no finer codes to rescore with (create it with a rescoring precision)")
            }
            guard rescoreMultiplier >= 1 else { throw .search(.invalidRescoreMultiplier(rescoreMultiplier)) }
        }
        let fastMetric = Metric.symmetric(for: configuration.precision)
        let (product, overflow) = k.multipliedReportingOverflow(by: rescoreMultiplier ?? 1)
        let shortlistSize = overflow ? Int.max : product
        // The graph walk's breadth: at least the shortlist (HNSWIndex keeps at least k anyway).
        let walk: Int? = exact || configuration.index == .flat ? nil : Swift.max(ef ?? Self.defaultEf, shortlistSize)
        let candidates = try fastCandidates(queries, k: shortlistSize, filter: filter, threads: threads, metric: fastMetric, walk: walk)
        var hits: [[CollectionHit]] = []
        hits.reserveCapacity(queries.rowCount)
        for (query, shortlist) in candidates.enumerated() {
            var best = shortlist
            if rescoreMultiplier != nil {
                best = Self.ranked(try rescored(best, query: Array(queries[row: query]), k: k), by: .innerProduct, keeping: k)
            } else {
                best = Array(best.prefix(k))
            }
            hits.append(try best.map { candidate throws(CollectionError) in try hit(candidate, payload: payloads) })
        }
        return CollectionResults(metric: rescoreMultiplier != nil ? .innerProduct : fastMetric, hits: hits)
    }

    /// The graph walk's breadth when a search gives no `ef`: 64 candidates (`HNSWIndex.standardEf`).
    public static let defaultEf = HNSWIndex.standardEf

    /// A row of a part: parts are the segments, then the memory chunks.
    private typealias Candidate = (part: Int, row: Int, score: Double)

    /// The best `k` allowed rows per query by the fast codes over all parts, ranked by `metric`
    /// (ties by part, then row). Parts are scanned in order, each only for rows that rank before
    /// the `k`-th best of the parts before it, so a part adds heap work only for rows that can
    /// still enter the shortlist. With `walk`, segments with a graph are searched through it,
    /// `walk` wide, instead of scanned.
    private func fastCandidates(
        _ queries: EmbeddingMatrix, k: Int, filter: PayloadFilter?, threads: Int?, metric: Metric, walk: Int?
    ) throws(CollectionError) -> [[Candidate]] {
        let indexedKeys = state.configuration.indexedPayloadKeys.map(Set.init)
        var best = [[Candidate]](repeating: [], count: queries.rowCount)
        var prepared: RaBitQPreparedQueries?
        func scan(_ index: FastCodesScan, part: Int, rowFilter: RowFilter?) throws(SearchError) {
            let bounds = best.map { $0.count == k ? $0[k - 1].score : nil }
            let results = try index.search(queries, k: k, filter: rowFilter, threads: threads, strictlyBefore: bounds, prepared: &prepared)
            for (query, hits) in results.enumerated() where !hits.isEmpty {
                best[query] = Self.merged(best[query], hits.map { (part, $0.row, $0.score) }, by: metric, keeping: k)
            }
        }
        for (index, segment) in state.segments.enumerated() {
            var allowed = state.segmentDeleted[index].complement
            if let filter { allowed = try segment.rows(matching: filter, among: allowed, indexedKeys: indexedKeys) }
            guard allowed.count > 0 else { continue }
            let rowFilter: RowFilter? = allowed.count == segment.rowCount ? nil : .allowing(allowed)
            do {
                if let walk, let graph = segment.graph {
                    // Neither can usefully exceed the segment's rows (a breadth covering them is an exact scan).
                    let rows = segment.rowCount
                    let parameters = SearchParameters(filter: rowFilter, threads: threads, ef: Swift.min(walk, rows))
                    let results = try graph.search(queries, k: Swift.min(k, rows), parameters: parameters)
                    for (query, hits) in results.hits.enumerated() where !hits.isEmpty {
                        best[query] = Self.merged(best[query], hits.map { (index, $0.row, $0.score) }, by: metric, keeping: k)
                    }
                } else {
                    try scan(segment.fast, part: index, rowFilter: rowFilter)
                }
            } catch {
                throw .search(.inIndex(path: segment.path, error))
            }
        }
        let base = state.segments.count
        for (index, chunk) in state.chunks.enumerated() {
            var allowed = state.chunkDeleted[index].complement
            if let filter { allowed = chunk.rows(matching: filter, among: allowed) }
            guard allowed.count > 0 else { continue }
            do {
                try scan(chunk.fast, part: base + index, rowFilter: allowed.count == chunk.rowCount ? nil : .allowing(allowed))
            } catch {
                throw .search(error)
            }
        }
        return best
    }

    /// The shortlist rescored part by part with the finer codes: each part's best `k` of its
    /// candidates, scored as inner products with the float `query`.
    private func rescored(_ shortlist: [Candidate], query: [Float], k: Int) throws(CollectionError) -> [Candidate] {
        let base = state.segments.count
        var rowsByPart: [Int: [Int]] = [:]
        for candidate in shortlist { rowsByPart[candidate.part, default: []].append(candidate.row) }
        var rescored: [Candidate] = []
        for (part, rows) in rowsByPart.sorted(by: { $0.key < $1.key }) {
            let refined = part < base ? state.segments[part].refined : state.chunks[part - base].refined
            guard let refined else {
                throw .invalidArgument("a part of the collection has no finer codes to rescore with")
            }
            do {
                rescored += try refined.rescore(query, candidates: rows, k: k).map { (part, $0.row, $0.score) }
            } catch {
                throw part < base ? .search(.inIndex(path: state.segments[part].path, error)) : .search(error)
            }
        }
        return rescored
    }

    /// The best `count` candidates by `metric`, ties by part, then row.
    private static func ranked(_ candidates: [Candidate], by metric: Metric, keeping count: Int) -> [Candidate] {
        Array(candidates.sorted { a, b in
            let left = metric.rankingValue(of: a.score), right = metric.rankingValue(of: b.score)
            if left != right { return left > right }
            return (a.part, a.row) < (b.part, b.row)
        }.prefix(count))
    }

    /// The best `count` of two lists ranked by `metric`, `earlier` (from parts before `later`'s)
    /// winning ties.
    private static func merged(_ earlier: [Candidate], _ later: [Candidate], by metric: Metric, keeping count: Int) -> [Candidate] {
        var result: [Candidate] = []
        result.reserveCapacity(min(count, earlier.count + later.count))
        var i = 0, j = 0
        while result.count < count, i < earlier.count || j < later.count {
            if j == later.count
                || (i < earlier.count && metric.rankingValue(of: earlier[i].score) >= metric.rankingValue(of: later[j].score)) {
                result.append(earlier[i])
                i += 1
            } else {
                result.append(later[j])
                j += 1
            }
        }
        return result
    }

    /// The hit of a candidate: its id and, when asked, its payload.
    private func hit(_ candidate: Candidate, payload: Bool) throws(CollectionError) -> CollectionHit {
        let base = state.segments.count
        if candidate.part < base {
            let segment = state.segments[candidate.part]
            return CollectionHit(id: segment.ids[candidate.row], score: candidate.score,
                                 payload: payload ? try segment.payload(row: candidate.row) : nil)
        }
        let chunk = state.chunks[candidate.part - base]
        return CollectionHit(id: chunk.ids[candidate.row], score: candidate.score,
                             payload: payload ? chunk.payloads[candidate.row] : nil)
    }
}
