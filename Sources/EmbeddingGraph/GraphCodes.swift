import EmbeddingQuantization
import EmbeddingSearch

/// The codes a graph scores: row `r` at `base + r × stride`, read by the distance kernels.
///
/// Either an aligned copy (rows padded to a power of two up to 64 bytes, or to whole 64-byte
/// cache lines, so a short row never straddles two lines; padding bits of bit codes cleared) or
/// rows left where they are in a byte source that stays mapped (a memory-mapped file).
final class GraphCodes: @unchecked Sendable {
    // Immutable after init; the copy is owned and freed in deinit, a source is retained.
    /// The first row.
    let base: UnsafePointer<UInt8>
    /// Bytes from one row to the next.
    let stride: Int
    /// Number of rows.
    let rowCount: Int
    private let owned: UnsafeMutableRawPointer?
    private let source: (any ByteSource)?

    /// Bytes held for the rows (the copy's padded size, or the source's row bytes).
    var byteCount: Int { rowCount * stride }

    /// The row stride of a copy: short rows padded to a power of two (at most a cache line),
    /// longer rows to whole cache lines.
    static func paddedStride(rowBytes: Int) -> Int {
        guard rowBytes > 64 else {
            var stride = 8
            while stride < rowBytes { stride *= 2 }
            return stride
        }
        return (rowBytes + 63) / 64 * 64
    }

    /// Copies `rowCount` row-major rows of `metric.rowBytes` bytes from `bytes`.
    init(copying bytes: UnsafeRawBufferPointer, rowCount: Int, metric: GraphMetric) {
        let stride = Self.paddedStride(rowBytes: metric.rowBytes)
        let memory = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(rowCount * stride, 64), alignment: 64)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(rowCount * stride, 64))
        if let source = bytes.baseAddress {
            for row in 0..<rowCount {
                let destination = (memory + row * stride).assumingMemoryBound(to: UInt8.self)
                destination.update(from: (source + row * metric.rowBytes).assumingMemoryBound(to: UInt8.self), count: metric.rowBytes)
                metric.clearPadding(destination)
            }
        }
        owned = memory
        source = nil
        base = UnsafePointer(memory.assumingMemoryBound(to: UInt8.self))
        self.stride = stride
        self.rowCount = rowCount
    }

    /// Reads the rows in place from `source`, which must hold exactly `rowCount × rowBytes` bytes
    /// whose address stays valid while `source` lives (a ``MemoryMappedFile`` or a slice of one).
    /// Padding bits of bit codes must be clear (EmbedQ's quantizer writes them so).
    init(inPlace source: any ByteSource, rowCount: Int, metric: GraphMetric) {
        // The mapping's address is fixed for the source's lifetime, which this object extends.
        let address = source.withUnsafeBytes { $0.baseAddress }
        base = address.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(GraphCodes.emptyRow)
        stride = metric.rowBytes
        self.rowCount = rowCount
        owned = nil
        self.source = source
    }

    deinit { owned?.deallocate() }

    /// Row `row`'s bytes.
    @inline(__always)
    func row(_ row: Int) -> UnsafePointer<UInt8> { base + row * stride }

    /// A readable address for sources without bytes (no row is ever read from it).
    nonisolated(unsafe) private static let emptyRow: UnsafeMutablePointer<UInt8> = {
        let row = UnsafeMutablePointer<UInt8>.allocate(capacity: 64)
        row.initialize(repeating: 0, count: 64)
        return row
    }()
}
