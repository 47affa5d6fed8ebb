import EmbeddingQuantization
import EmbeddingStore

/// Writes segment files from their parts (flush, merge, build-segment).
enum SegmentWriting {
    /// Writes one segment file (atomically) from its parts. When the collection indexes its
    /// segments with a graph (``CollectionIndex/hnsw(_:)``), the graph of the fast codes is built
    /// first and written as the file's graph section: the file appears (by rename) with its
    /// graph or not at all, so a process killed during the build leaves the collection as it was.
    static func write(
        to path: String, ids: IndexIDs, fast: [CodeChunk], finer: [CodeChunk], payloads: [[UInt8]], decoded: [Payload],
        configuration: CollectionConfiguration
    ) throws(CollectionError) {
        var stored = SegmentPayloads()
        if payloads.contains(where: { !$0.isEmpty }) {
            stored.reserveCapacity(rows: payloads.count, bytes: payloads.reduce(0) { $0 + $1.count })
            for payload in payloads { stored.append(payload) }
        }
        let index = PayloadIndex(payloads: decoded, indexedKeys: configuration.indexedPayloadKeys.map(Set.init))
        let ranges = configuration.ranges
        let contents = SegmentContents(
            dimension: configuration.dimension, ids: ids,
            fast: CodeSection(
                precision: configuration.precision, rounding: configuration.rounding,
                ranges: configuration.precision.needsCalibration ? ranges : nil, chunks: fast),
            rescoring: configuration.rescoring.map {
                CodeSection(precision: $0, rounding: configuration.rounding, ranges: $0.needsCalibration ? ranges : nil, chunks: finer)
            },
            payloads: stored, payloadIndex: index.encoded(),
            graph: try configuration.index.graphParameters.map { (parameters) throws(CollectionError) in
                try SegmentGraph.build(fast: fast, rowCount: ids.count, configuration: configuration, parameters: parameters, path: path)
            } ?? [])
        do {
            try SegmentFile.write(contents, to: path)
        } catch {
            throw .segment(error)
        }
    }

}
