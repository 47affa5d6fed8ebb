import EmbeddingQuantization

/// Plain-Swift scoring of one code row against another: the specification the C kernels and
/// ``FlatIndex`` are tested against. Every function decodes the documented ``Precision`` byte
/// layout dimension by dimension (padding bits and nibbles are ignored).
enum ReferenceKernels {
    /// The symmetric score of two rows of `precision` codes (see the table in ``FlatIndex``):
    /// the Hamming distance for bit codes, the exact integer dot product for integer codes, and
    /// for floats the fused multiply-add chain `acc = fma(x_j, q_j, acc)` over `j = 0 ..< d`.
    static func score(
        _ precision: Precision, dimension d: Int, query: UnsafePointer<UInt8>, row: UnsafePointer<UInt8>
    ) -> Double {
        switch precision {
        case .float32, .float16, .bfloat16:
            var acc: Float = 0
            for j in 0..<d {
                acc = acc.addingProduct(floatValue(precision, row, j), floatValue(precision, query, j))
            }
            return Double(acc)
        case .int8:
            var sum: Int64 = 0
            for j in 0..<d { sum += Int64(Int8(bitPattern: query[j])) * Int64(Int8(bitPattern: row[j])) }
            return Double(sum)
        case .uint8:
            var sum: Int64 = 0
            for j in 0..<d { sum += Int64(query[j]) * Int64(row[j]) }
            return Double(sum)
        case .int4:
            var sum: Int64 = 0
            for j in 0..<d { sum += Int64(nibble(query, j)) * Int64(nibble(row, j)) }
            return Double(sum)
        case .ternary:
            var sum: Int64 = 0
            for j in 0..<d { sum += Int64(trit(query, j, dimension: d) * trit(row, j, dimension: d)) }
            return Double(sum)
        case .binary, .ubinary:
            var distance = 0
            for j in 0..<d where bit(query, j) != bit(row, j) { distance += 1 }
            return Double(distance)
        case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            // Codes × codes is not defined for RaBitQ (FlatIndex rejects it): float queries only.
            return 0
        }
    }

    /// Brute force: every query row against every corpus row, sorted best first (direction from
    /// ``Metric/symmetric(for:)``), ties by ascending row, cut to `k`.
    static func search(corpus: QuantizedEmbeddings, queries: QuantizedEmbeddings, k: Int) -> [[SearchHit]] {
        let higherIsBetter = Metric.symmetric(for: corpus.precision).higherIsBetter
        let (corpusWidth, queryWidth) = (corpus.bytesPerVector, queries.bytesPerVector)
        return corpus.codes.withUnsafeBufferPointer { rows in
            queries.codes.withUnsafeBufferPointer { query in
                (0..<queries.rowCount).map { q in
                    let hits = (0..<corpus.rowCount).map { r in
                        SearchHit(row: r, score: score(
                            corpus.precision, dimension: corpus.dimension,
                            query: query.baseAddress! + q * queryWidth, row: rows.baseAddress! + r * corpusWidth))
                    }
                    return Array(sortBest(hits, higherIsBetter: higherIsBetter).prefix(k))
                }
            }
        }
    }

    /// Hits sorted best first, ties by ascending row.
    static func sortBest(_ hits: [SearchHit], higherIsBetter: Bool) -> [SearchHit] {
        hits.sorted { a, b in
            if a.score != b.score { return higherIsBetter ? a.score > b.score : a.score < b.score }
            return a.row < b.row
        }
    }

    static func floatValue(_ precision: Precision, _ bytes: UnsafePointer<UInt8>, _ j: Int) -> Float {
        let raw = UnsafeRawPointer(bytes)
        switch precision {
        case .float32:
            return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: 4 * j, as: UInt32.self)))
        case .float16:
            return HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self)))
        default:
            return HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 2 * j, as: UInt16.self)))
        }
    }

    /// The 4-bit code of dimension `j` (high nibble first).
    static func nibble(_ bytes: UnsafePointer<UInt8>, _ j: Int) -> Int {
        Int(j % 2 == 0 ? bytes[j / 2] >> 4 : bytes[j / 2] & 0x0F)
    }

    /// Bit `j`, most-significant bit first (the same for `binary` and `ubinary` comparisons:
    /// the signed offset flips the same bit on both sides).
    static func bit(_ bytes: UnsafePointer<UInt8>, _ j: Int) -> Bool {
        bytes[j / 8] & (0x80 >> UInt8(j % 8)) != 0
    }

    /// The −1 / 0 / +1 value of dimension `j` of a ternary row (positive plane first).
    static func trit(_ bytes: UnsafePointer<UInt8>, _ j: Int, dimension d: Int) -> Int {
        let plane = (d + 7) / 8
        let positive = bit(bytes, j)
        let negative = bit(bytes + plane, j)
        return (positive ? 1 : 0) - (negative ? 1 : 0)
    }
}
