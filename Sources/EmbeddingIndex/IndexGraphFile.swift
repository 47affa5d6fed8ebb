import EmbeddingGraph
import EmbeddingSearch
import EmbeddingStore
import Foundation

/// The HNSW graph of an index file's fast codes, stored beside it as `INDEX.hnsw`
/// (docs/HNSW.md, "The graph file"): a 64-byte preamble that ties the graph to the fast codes it
/// was built on, then the checksummed graph section, memory-mapped when opened.
///
/// | offset | bytes | field |
/// |---:|---:|---|
/// | 0 | 8 | magic `EQIGRAPH` |
/// | 8 | 4 | format version (1) |
/// | 12 | 4 | CRC-32C of the index's fast-codes section |
/// | 16 | 8 | the index's stored rows |
/// | 24 | 32 | zero |
/// | 56 | 4 | zero |
/// | 60 | 4 | CRC-32C of bytes 0 ..< 60 |
/// | 64 | … | the graph section (`HNSWGraph/serialized()`) |
///
/// The file is written to a temporary name and renamed over the old one, so a build that is
/// killed leaves the previous graph (or none). Deleting rows leaves the fast codes, and so the
/// graph, valid (deleted rows are navigated through, never returned); adding rows or compacting
/// changes them, and the graph must be rebuilt (``IndexSearchError/staleGraph(path:reason:)``).
public enum IndexGraphFile {
    /// Bytes before the graph section.
    public static let preambleBytes = 64
    static let magic: [UInt8] = Array("EQIGRAPH".utf8)
    static let version: UInt32 = 1

    /// Where the graph of the index at `indexPath` is stored: `indexPath + ".hnsw"`.
    public static func path(forIndex indexPath: String) -> String { indexPath + ".hnsw" }

    /// Builds the graph of the fast codes of the index at `indexPath` and writes it beside the
    /// index (replacing any graph there, atomically).
    ///
    /// - Parameters:
    ///   - indexPath: the index file.
    ///   - parameters: M, ef_construction and the seed.
    ///   - threads: build threads (`nil`: every core); the graph is the same for any count.
    ///   - progress: called with the rows inserted so far.
    /// - Returns: the graph as written.
    /// - Throws: ``IndexSearchError/store(_:)`` for a missing or corrupt index,
    ///   ``IndexSearchError/graphBuild(path:_:)`` for fast codes a graph cannot index (uint8,
    ///   int4) or bad parameters, ``IndexSearchError/graphFile(path:reason:)`` for a failed write.
    @discardableResult
    public static func build(
        forIndexAt indexPath: String, parameters: HNSWParameters = HNSWParameters(), threads: Int? = nil,
        progress: (@Sendable (Int) -> Void)? = nil
    ) throws(IndexSearchError) -> HNSWGraph {
        let index: OpenIndex
        do {
            index = try IndexFile.open(at: indexPath)
        } catch {
            throw .store(error)
        }
        let graphPath = path(forIndex: indexPath)
        let graph: HNSWGraph
        do {
            graph = try HNSWIndex(codes: index.fast, parameters: parameters, threads: threads, progress: progress).graph
        } catch {
            throw .graphBuild(path: graphPath, error)
        }
        var file = preamble(fastChecksum: index.header[.fast].checksum, rowCount: index.rowCount)
        file += graph.serialized()
        do {
            try Data(file).write(to: URL(fileURLWithPath: graphPath), options: .atomic)
        } catch {
            throw .graphFile(path: graphPath, reason: "cannot write it: \(error.localizedDescription)")
        }
        return graph
    }

    /// The graph stored beside `index`, memory-mapped, or `nil` when there is no graph file.
    ///
    /// - Throws: ``IndexSearchError/graphSection(path:_:)`` for a truncated or corrupt file,
    ///   ``IndexSearchError/staleGraph(path:reason:)`` when it was built on other fast codes
    ///   (rows added, or the index compacted or rebuilt since).
    public static func open(for index: OpenIndex) throws(IndexSearchError) -> HNSWGraph? {
        let graphPath = path(forIndex: index.path)
        guard FileManager.default.fileExists(atPath: graphPath) else { return nil }
        let file: MemoryMappedFile
        do {
            file = try MemoryMappedFile(path: graphPath)
        } catch {
            throw .graphFile(path: graphPath, reason: "cannot read it: \(error.description)")
        }
        let head = file.withUnsafeBytes { [UInt8]($0.prefix(preambleBytes)) }
        guard head.count == preambleBytes else {
            throw .graphSection(path: graphPath, .truncated(needed: preambleBytes, available: head.count))
        }
        guard Array(head[0..<8]) == magic else { throw .graphSection(path: graphPath, .badMagic) }
        let stored = head.loadLittleEndian(UInt32.self, at: 60)
        let computed = CRC32C.checksum(of: head[0..<60])
        guard stored == computed else {
            throw .graphSection(path: graphPath, .checksumMismatch(part: "graph file preamble", stored: stored, computed: computed))
        }
        let version = head.loadLittleEndian(UInt32.self, at: 8)
        guard version == Self.version else { throw .graphSection(path: graphPath, .unsupportedVersion(version)) }
        let fastChecksum = head.loadLittleEndian(UInt32.self, at: 12)
        let rows = head.loadLittleEndian(UInt64.self, at: 16)
        guard rows == UInt64(index.rowCount), fastChecksum == index.header[.fast].checksum else {
            throw .staleGraph(
                path: graphPath,
                reason: "it was built on \(rows) rows with fast-codes checksum \(hex(fastChecksum)); the index has \(index.rowCount) rows, checksum \(hex(index.header[.fast].checksum))")
        }
        do {
            return try HNSWGraph(mapping: file, offset: preambleBytes, byteCount: file.byteCount - preambleBytes)
        } catch {
            throw .graphSection(path: graphPath, error)
        }
    }

    /// The 64-byte preamble for fast codes with checksum `fastChecksum` and `rowCount` rows.
    static func preamble(fastChecksum: UInt32, rowCount: Int) -> [UInt8] {
        var bytes = magic
        bytes.appendLittleEndian(version)
        bytes.appendLittleEndian(fastChecksum)
        bytes.appendLittleEndian(UInt64(rowCount))
        bytes += [UInt8](repeating: 0, count: 60 - bytes.count)
        bytes.appendLittleEndian(CRC32C.checksum(of: bytes))
        return bytes
    }

    private static func hex(_ value: UInt32) -> String { String(format: "%08x", value) }
}

extension [UInt8] {
    /// Appends `value` in little-endian byte order.
    fileprivate mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// The little-endian `T` at byte `offset`.
    fileprivate func loadLittleEndian<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        var value = T.zero
        for i in 0..<MemoryLayout<T>.size { value |= T(self[offset + i]) << (8 * i) }
        return value
    }
}
