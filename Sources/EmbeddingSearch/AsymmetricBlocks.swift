import EmbeddingKernels
import EmbeddingQuantization

/// The blocked copy of `int8` / `uint8` / `int4` / `ternary` / `binary` / `ubinary` codes that the
/// asymmetric scan (`AsymmetricKernels.h`) reads: the ``BlockLayout`` of the symmetric scans
/// (`int8` rows with the +128 offset), scored against float32 queries through the int8 weights of
/// ``AsymmetricScorer/kernelQuery`` (bit codes: by nibble lookups in the tables of
/// ``AsymmetricScorer/lookup``). The scores equal ``AsymmetricScorer``'s reference arithmetic
/// bit for bit in every kernel variant (an exact integer sum, then one multiply and one add).
struct AsymmetricBlocks: Sendable {
    let layout: BlockLayout
    let storage: BlockedStorage
    let rowCount: Int
    /// The `eq_asym_format` of the precision.
    let format: Int32

    /// The kernel format of `precision`, `nil` when the asymmetric kernels do not scan it.
    static func format(of precision: Precision) -> Int32? {
        switch precision {
        case .int8, .uint8: return Int32(EQ_ASYM_U8.rawValue)
        case .int4: return Int32(EQ_ASYM_U4.rawValue)
        case .ternary: return Int32(EQ_ASYM_TERNARY.rawValue)
        case .binary, .ubinary: return Int32(EQ_ASYM_BITS.rawValue)
        default: return nil
        }
    }

    /// The blocked copy of `rowCount` row-major rows of `precision` codes at `bytes`; `nil` for a
    /// precision the kernels do not scan or a dimension of 0.
    init?(precision: Precision, dimension: Int, rowCount: Int, bytes: UnsafeRawBufferPointer) {
        guard let format = Self.format(of: precision), dimension > 0 else { return nil }
        let layout = BlockLayout(precision: precision, dimension: dimension)
        let width = precision.bytesPerVector(dimension: dimension)
        let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self)
        self.layout = layout
        self.rowCount = rowCount
        self.format = format
        storage = BlockedStorage.build(layout: layout, rowCount: rowCount) { row, destination in
            layout.padCorpusRow(base! + row * width, into: destination)
        }
    }

    /// The blocked copy of `codes` (see ``init(precision:dimension:rowCount:bytes:)``).
    init?(_ codes: StoredCodes) {
        guard Self.format(of: codes.precision) != nil else { return nil }
        let made = codes.bytes.withUnsafeBytes { raw in
            AsymmetricBlocks(precision: codes.precision, dimension: codes.dimension, rowCount: codes.rowCount, bytes: raw)
        }
        guard let made else { return nil }
        self = made
    }

    /// The best `k` rows `filter` allows for each prepared query (`scorers`, all of this
    /// precision and dimension), best first, ties by ascending row; scores as
    /// ``AsymmetricScorer/score(_:)`` defines them (higher is better).
    ///
    /// - Parameter kernels: the dispatch table (the process's by default; tests pin each level).
    func search(
        _ scorers: [AsymmetricScorer], k: Int, threads: Int, filter: CompiledRowFilter?, kernels: KernelTable = .current
    ) -> [[SearchHit]] {
        let format = self.format
        let words = Int64(layout.words)
        let queryBytes = Int(eq_asym_query_words(format, words)) * 4
        let tableBytes = Int(eq_asym_lookup_table_bytes(words))
        // Bit codes: each query's nibble-lookup tables (built once by its scorer). Others: the
        // query words as the kernels take them, zero-padded, the 4-bit format's words split into
        // their even-dimension (high-nibble) and odd-dimension (low-nibble) weights.
        let lookups = format == Int32(EQ_ASYM_BITS.rawValue)
        var queries = [Int8](repeating: 0, count: lookups ? 1 : scorers.count * queryBytes + 64)
        // 64-byte aligned (the AVX-512 kernel loads a word's tables as whole registers).
        let tables = BlockedStorage(byteCount: lookups ? scorers.count * tableBytes : 0)
        var scales = [Float](), constants = [Float]()
        for (q, scorer) in scorers.enumerated() {
            if lookups {
                let prepared = scorer.lookup!
                prepared.tables.withUnsafeBytes { bytes in
                    if let source = bytes.baseAddress, tableBytes > 0 {
                        (tables.base + q * tableBytes).copyMemory(from: source, byteCount: tableBytes)
                    }
                }
                scales.append(prepared.scale)
                constants.append(prepared.constant)
                continue
            }
            let prepared = scorer.kernelQuery!
            for (j, v) in prepared.weights.enumerated() {
                let at = format == Int32(EQ_ASYM_U4.rawValue) ? (j / 8) * 8 + (j % 2) * 4 + (j % 8) / 2 : j
                queries[q * queryBytes + at] = v
            }
            scales.append(prepared.scale)
            constants.append(prepared.constant)
        }
        // Never an empty buffer (a base address is passed even for 0 queries).
        scales += [Float](repeating: 0, count: 16)
        constants += [Float](repeating: 0, count: 16)
        let (storage, layout, scaleArray, constantArray) = (self.storage, self.layout, scales, constants)
        // Bit and ternary codes are transposed or unpacked once per kernel call: 32 queries share it.
        let queryGroup = 32
        let scratchBytes = Int(lookups ? eq_asym_lookup_scratch_bytes(words) : eq_asym_scratch_bytes(format, words))
        let queryArray = queries
        var blocked = BlockScan<Float>(
            rowCount: rowCount, blockBytes: layout.blockBytes,
            kernel: { blockStart, blockCount, queryStart, size, out, stride in
                let raw = UnsafeMutableRawPointer.allocate(byteCount: Swift.max(scratchBytes, 1), alignment: 64)
                defer { raw.deallocate() }
                let scratch = raw.assumingMemoryBound(to: UInt8.self)
                let blocks = storage.base.assumingMemoryBound(to: UInt8.self) + blockStart * layout.blockBytes
                scaleArray.withUnsafeBufferPointer { s in
                    constantArray.withUnsafeBufferPointer { c in
                        withUnsafePointer(to: kernels.table) { table in
                            let (scale, constant) = (s.baseAddress! + queryStart, c.baseAddress! + queryStart)
                            if lookups {
                                eq_asym_scan_lookup(
                                    table, blocks, Int64(blockCount), words,
                                    tables.base.assumingMemoryBound(to: UInt8.self) + queryStart * tableBytes,
                                    scale, constant, Int64(size), out, Int64(stride), scratch)
                            } else {
                                queryArray.withUnsafeBufferPointer { q in
                                    eq_asym_scan(
                                        table, format, blocks, Int64(blockCount), words, q.baseAddress! + queryStart * queryBytes,
                                        scale, constant, Int64(size), out, Int64(stride), scratch)
                                }
                            }
                        }
                    }
                }
            },
            select: { keys, n, bar, indices in BlockKernels.selectAbove(kernels, keys, n, bar, indices) })
        if scratchBytes > 0 { blocked.queryGroup = queryGroup }
        return blocked.run(queryCount: scorers.count, k: k, threads: threads, filter: filter).map { rows in
            rows.map { SearchHit(row: $0.row, score: Double($0.key)) }
        }
    }
}
