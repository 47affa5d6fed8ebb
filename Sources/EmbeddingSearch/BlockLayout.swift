import EmbeddingKernels
import EmbeddingQuantization

/// The blocked corpus layout the search kernels read (see `SearchKernels.h`).
///
/// Rows are grouped in blocks of ``rowsPerBlock`` (16) rows, the last block zero-padded. Each row
/// is cut into ``words`` words of ``wordBytes`` bytes, zero-padded at its end; a block stores word
/// 0 of its 16 rows, then word 1 of its 16 rows, and so on.
///
/// | precision | word | words per row |
/// |---|---|---|
/// | float32 | 4 bytes (1 value) | d |
/// | float16, bfloat16 | 2 bytes (1 value) | d |
/// | int8, uint8 | 4 bytes (4 codes) | ⌈d / 4⌉ |
/// | int4 | 4 bytes (8 codes) | ⌈⌈d / 2⌉ / 4⌉ |
/// | binary, ubinary | 8 bytes (64 bits) | ⌈⌈d / 8⌉ / 8⌉ |
/// | ternary | 8 bytes | 2 × ⌈⌈d / 8⌉ / 8⌉ (positive plane's words, then negative plane's) |
struct BlockLayout: Sendable, Equatable {
    /// Rows per block (`EQ_BLOCK_ROWS`).
    static let rowsPerBlock = Int(EQ_BLOCK_ROWS)

    let precision: Precision
    let dimension: Int
    /// Bytes per word.
    let wordBytes: Int
    /// Words per row.
    let words: Int

    init(precision: Precision, dimension: Int) {
        self.precision = precision
        self.dimension = dimension
        let bytes = precision.bytesPerVector(dimension: dimension)
        switch precision {
        case .float32: (wordBytes, words) = (4, dimension)
        case .float16, .bfloat16: (wordBytes, words) = (2, dimension)
        case .int8, .uint8, .int4: (wordBytes, words) = (4, (bytes + 3) / 4)
        case .binary, .ubinary: (wordBytes, words) = (8, (bytes + 7) / 8)
        case .ternary: (wordBytes, words) = (8, 2 * (((dimension + 7) / 8 + 7) / 8))
        // Not scanned by FlatIndex (RaBitQIndex has its own layout); kept total for completeness.
        case .rabitq1, .rabitq2, .rabitq3, .rabitq4: (wordBytes, words) = (8, (bytes + 7) / 8)
        }
    }

    /// Bytes of one padded row.
    var rowBytes: Int { words * wordBytes }
    /// Bytes of one block.
    var blockBytes: Int { rowBytes * Self.rowsPerBlock }
    /// Blocks holding `rows` rows.
    static func blockCount(rows: Int) -> Int { (rows + rowsPerBlock - 1) / rowsPerBlock }

    /// Copies one row of `precision` codes (`bytesPerVector` bytes at `source`) into `rowBytes`
    /// bytes at `destination`: zero padding at the end (per plane for ternary), and for `int8`
    /// corpus rows the top bit flipped, so the kernels see the unsigned code `code + 128`.
    func padCorpusRow(_ source: UnsafePointer<UInt8>, into destination: UnsafeMutablePointer<UInt8>) {
        destination.initialize(repeating: 0, count: rowBytes)
        let bytes = precision.bytesPerVector(dimension: dimension)
        switch precision {
        case .ternary:
            let plane = (dimension + 7) / 8
            let planeBytes = rowBytes / 2
            destination.update(from: source, count: plane)
            (destination + planeBytes).update(from: source + plane, count: plane)
            if plane > 0 {
                destination[plane - 1] &= lastBitsMask
                destination[planeBytes + plane - 1] &= lastBitsMask
            }
        case .int8:
            for i in 0..<bytes { destination[i] = source[i] ^ 0x80 }
        case .binary, .ubinary:
            destination.update(from: source, count: bytes)
            if bytes > 0 { destination[bytes - 1] &= lastBitsMask }
        case .int4:
            destination.update(from: source, count: bytes)
            if dimension % 2 == 1 { destination[bytes - 1] &= 0xF0 }
        default:
            destination.update(from: source, count: bytes)
        }
    }

    /// The bits of the last packed byte that hold dimensions (the rest is padding, ignored even
    /// when a caller's codes have it set). The signed `binary` offset only flips bit 7, which
    /// always holds a dimension.
    private var lastBitsMask: UInt8 {
        let used = dimension % 8
        return used == 0 ? 0xFF : ~(0xFF >> UInt8(used))
    }
}

/// A 64-byte aligned, immutable byte buffer (the blocked corpus).
final class BlockedStorage: @unchecked Sendable {
    // Written only during `init`, read-only afterwards: safe to share across threads.
    let base: UnsafeMutableRawPointer
    let byteCount: Int

    init(byteCount: Int) {
        self.byteCount = byteCount
        base = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(byteCount, 64), alignment: 64)
        base.initializeMemory(as: UInt8.self, repeating: 0, count: Swift.max(byteCount, 64))
    }

    deinit { base.deallocate() }

    /// Builds the blocked layout of `rowCount` rows whose padded bytes `fill(row, destination)`
    /// writes (`layout.rowBytes` bytes).
    static func build(
        layout: BlockLayout, rowCount: Int, fill: (Int, UnsafeMutablePointer<UInt8>) -> Void
    ) -> BlockedStorage {
        let blocks = BlockLayout.blockCount(rows: rowCount)
        let storage = BlockedStorage(byteCount: blocks * layout.blockBytes)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: Swift.max(layout.rowBytes, 1))
        defer { scratch.deallocate() }
        for row in 0..<rowCount {
            fill(row, scratch)
            storage.store(paddedRow: scratch, at: row, layout: layout)
        }
        return storage
    }

    /// Writes one padded row (`layout.rowBytes` bytes at `paddedRow`, as
    /// ``BlockLayout/padCorpusRow(_:into:)`` makes it) into the word lanes of row `row`'s block.
    /// Only during construction: the storage is read-only once an index holds it.
    func store(paddedRow: UnsafeMutablePointer<UInt8>, at row: Int, layout: BlockLayout) {
        let rowsPerBlock = BlockLayout.rowsPerBlock
        let block = base + (row / rowsPerBlock) * layout.blockBytes
        let lane = row % rowsPerBlock
        switch layout.wordBytes {
        case 2: Self.scatter(UInt16.self, paddedRow, block, lane: lane, words: layout.words)
        case 4: Self.scatter(UInt32.self, paddedRow, block, lane: lane, words: layout.words)
        default: Self.scatter(UInt64.self, paddedRow, block, lane: lane, words: layout.words)
        }
    }

    @inline(__always)
    private static func scatter<Word: FixedWidthInteger>(
        _: Word.Type, _ row: UnsafeMutablePointer<UInt8>, _ block: UnsafeMutableRawPointer, lane: Int, words: Int
    ) {
        let source = UnsafeRawPointer(row)
        let size = MemoryLayout<Word>.size
        let stride = BlockLayout.rowsPerBlock * size
        for w in 0..<words {
            let word = source.loadUnaligned(fromByteOffset: w * size, as: Word.self)
            block.storeBytes(of: word, toByteOffset: w * stride + lane * size, as: Word.self)
        }
    }
}

extension BlockLayout {
    /// Bytes of one encoded query row: `rowBytes`, or twice that for `int4` (see `padQueryRow`).
    var queryRowBytes: Int { precision == .int4 ? 2 * rowBytes : rowBytes }

    /// Encodes one query row of `precision` codes for the kernels (`queryRowBytes` bytes):
    /// - `int8`: the signed codes as they are (the corpus side carries the +128 offset);
    /// - `uint8`: `code − 128` as signed bytes (the row bias restores `128 · Σ corpus codes`);
    /// - `int4`: per corpus word (8 codes), the 4 high-nibble codes then the 4 low-nibble codes;
    /// - bit codes: as the corpus rows (planes padded separately for ternary).
    func padQueryRow(_ source: UnsafePointer<UInt8>, into destination: UnsafeMutablePointer<UInt8>) {
        let bytes = precision.bytesPerVector(dimension: dimension)
        switch precision {
        case .int8:
            destination.initialize(repeating: 0, count: queryRowBytes)
            destination.update(from: source, count: bytes)
        case .uint8:
            destination.initialize(repeating: 0, count: queryRowBytes)
            for i in 0..<bytes { destination[i] = source[i] ^ 0x80 }
        case .int4:
            destination.initialize(repeating: 0, count: queryRowBytes)
            for i in 0..<bytes {
                let (word, lane) = (i / 4, i % 4)
                destination[word * 8 + lane] = source[i] >> 4
                // An odd dimension's last low nibble is padding: leave it 0.
                if 2 * i + 1 < dimension { destination[word * 8 + 4 + lane] = source[i] & 0x0F }
            }
        default:
            padCorpusRow(source, into: destination)
        }
    }
}
