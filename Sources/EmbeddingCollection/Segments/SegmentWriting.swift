import EmbeddingQuantization
import EmbeddingStore

/// Writes segment files from their parts (flush, merge, build-segment).
enum SegmentWriting {
    /// Writes one segment file (atomically) from its parts.
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
            payloads: stored, payloadIndex: index.encoded())
        do {
            try SegmentFile.write(contents, to: path)
        } catch {
            throw .segment(error)
        }
    }

}
