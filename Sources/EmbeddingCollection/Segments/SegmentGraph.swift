import EmbeddingGraph
import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore
import Foundation

/// The HNSW graph of a segment's fast codes: built while the segment is written (its bytes go
/// into the segment file's graph section, so the file and its graph are replaced together by one
/// rename), and opened in place from the file's mapping, beside the fast codes it navigates.
enum SegmentGraph {
    /// Builds the graph of `rowCount` rows of fast codes given as chunks, with `parameters`, on
    /// every core (the graph is the same for any thread count), and returns its section bytes.
    ///
    /// - Throws: ``CollectionError/segment(_:)`` for a failed read of a mapped chunk;
    ///   ``CollectionError/invalidConfiguration(_:)`` when the codes cannot be indexed.
    static func build(
        fast chunks: [CodeChunk], rowCount: Int, configuration: CollectionConfiguration, parameters: HNSWParameters, path: String
    ) throws(CollectionError) -> [UInt8] {
        let precision = configuration.precision
        let width = precision.bytesPerVector(dimension: configuration.dimension)
        var bytes = [UInt8](repeating: 0, count: rowCount * width)
        var failure: IndexFileError?
        var offset = 0
        bytes.withUnsafeMutableBytes { buffer in
            for chunk in chunks where failure == nil {
                switch chunk {
                case .bytes(let part) where part.isEmpty:
                    continue
                case .bytes(let part):
                    part.withUnsafeBytes { buffer.baseAddress!.advanced(by: offset).copyMemory(from: $0.baseAddress!, byteCount: part.count) }
                    offset += part.count
                case .mapped(_, let range) where range.isEmpty:
                    continue
                case .mapped(let codes, let range):
                    // Byte ranges of whole rows: read with `pread`, never through the mapping.
                    let rows = (range.lowerBound / width)..<(range.upperBound / width)
                    let target = UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<(offset + range.count)])
                    do throws(IndexFileError) { try codes.copyRows(rows, into: target) } catch { failure = error }
                    offset += range.count
                }
            }
        }
        if let failure { throw .segment(failure) }
        let codes: QuantizedEmbeddings
        do {
            codes = try QuantizedEmbeddings(
                precision: precision, rowCount: rowCount, dimension: configuration.dimension, codes: bytes,
                ranges: precision.needsCalibration ? configuration.ranges : nil, rounding: configuration.rounding)
        } catch {
            throw .quantization(error)
        }
        let graph: HNSWGraph
        do {
            graph = try HNSWIndex(codes: codes, parameters: parameters).graph
        } catch {
            throw .invalidConfiguration("\(path): cannot build the HNSW graph: \(error.description)")
        }
        builds.increment()
        return graph.serialized()
    }

    /// The graph of the segment at `path` (whose header is `header`) over its fast codes, both
    /// read in place from one read-only mapping of the file (nothing is copied; the pages are
    /// read as searches touch them). The section's checksums and structure are checked.
    ///
    /// - Throws: ``CollectionError/corruptGraph(path:_:)`` for a damaged section;
    ///   ``CollectionError/corruptFile(path:reason:)`` for a segment without one or a graph of other
    ///   codes; ``CollectionError/search(_:)`` when the file cannot be mapped.
    static func open(path: String, header: IndexHeader, fast: MappedCodes) throws(CollectionError) -> HNSWIndex {
        let section = header[.graph]
        guard section.length > 0 else {
            throw .corruptFile(path: path, reason: "the segment has no graph section, but the collection searches every segment through its HNSW graph")
        }
        let file: MemoryMappedFile
        do {
            file = try MemoryMappedFile(path: path)
        } catch {
            throw .search(error)
        }
        let graph: HNSWGraph
        do {
            graph = try HNSWGraph(mapping: file, offset: section.offset, byteCount: section.length)
        } catch {
            throw .corruptGraph(path: path, error)
        }
        let fastBytes = fast.rowCount * fast.precision.bytesPerVector(dimension: fast.dimension)
        guard fastBytes <= header[.fast].length, let slice = ByteSlice(file, offset: header[.fast].offset, count: fastBytes) else {
            throw .corruptFile(path: path, reason: "the fast codes lie outside the mapped file")
        }
        do {
            let codes = try StoredCodes(
                precision: fast.precision, rowCount: fast.rowCount, dimension: fast.dimension, bytes: slice,
                ranges: fast.ranges, rounding: fast.rounding)
            return try HNSWIndex(graph: graph, codes: codes)
        } catch let error as HNSWError {
            throw .corruptFile(path: path, reason: "the graph section does not fit the fast codes: \(error.description)")
        } catch let error as SearchError {
            throw .search(.inIndex(path: path, error))
        } catch {
            throw .corruptFile(path: path, reason: "\(error)")
        }
    }

    /// Graphs built by this process (tests check that opening a segment reads its stored graph
    /// instead of building one).
    static let builds = BuildCounter()

    /// A thread-safe counter.
    final class BuildCounter: @unchecked Sendable {
        private let lock = NSLock()
        private var count = 0

        /// The count so far.
        var value: Int { lock.withLock { count } }

        func increment() { lock.withLock { count += 1 } }
    }
}
