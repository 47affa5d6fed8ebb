/// Integer bucket codes (`uint8`, `int8`, `int4`) against per-dimension ranges.
///
/// Arithmetic is float32 in the order sentence-transformers uses:
/// `code = clip(floor((x - minimum) / step), 0, levels - 1)` with
/// `step = (maximum - minimum) / (levels - 1)` (a zero step becomes 1). Clamping before truncating
/// gives the same code as flooring before clipping: for `v ≥ 0` truncation is floor, and any
/// `v < 0` clips to 0 either way.
enum ScalarCodes {
    /// One byte per dimension holding the unsigned code `0 ..< levels`.
    static func encode(
        _ matrix: EmbeddingMatrix, ranges: QuantizationRanges, levels: Int, rounding: RoundingMode
    ) throws(QuantizationError) -> [UInt8] {
        let (n, d) = (matrix.rowCount, matrix.dimension)
        let minimums = ranges.minimums
        let steps = ranges.steps(levels: levels)
        let maxCode = Float(levels - 1)
        return try [UInt8](unsafeUninitializedCapacity: n * d) { (output, initialized) throws(QuantizationError) in
            try matrix.values.withUnsafeBufferPointer { (input) throws(QuantizationError) in
                try minimums.withUnsafeBufferPointer { (lows) throws(QuantizationError) in
                    try steps.withUnsafeBufferPointer { (widths) throws(QuantizationError) in
                        for i in 0..<n {
                            let row = input.baseAddress! + i * d
                            guard QuantizationKernels.allFinite(row, count: d) else {
                                try QuantizationKernels.throwNonFinite(row: i, values: row, dimension: d)
                                return
                            }
                            let out = output.baseAddress! + i * d
                            switch rounding {
                            case .floor:
                                for j in 0..<d {
                                    let scaled = (row[j] - lows[j]) / widths[j]
                                    out[j] = UInt8(Swift.min(Swift.max(scaled, 0), maxCode))
                                }
                            case .nearest:
                                for j in 0..<d {
                                    let scaled = ((row[j] - lows[j]) / widths[j]).rounded(.toNearestOrEven)
                                    out[j] = UInt8(Swift.min(Swift.max(scaled, 0), maxCode))
                                }
                            }
                        }
                    }
                }
            }
            initialized = n * d
        }
    }

    /// `code - 128` as two's complement bytes (`int8`): flipping the top bit.
    static func offsetToSigned(_ codes: [UInt8]) -> [UInt8] {
        codes.map { $0 ^ 0x80 }
    }

    /// Packs one 4-bit code per byte into two per byte: dimension `2k` in the high nibble,
    /// `2k + 1` in the low nibble; an odd last dimension leaves its low nibble 0.
    static func packNibbles(_ codes: [UInt8], rowCount: Int, dimension: Int) -> [UInt8] {
        let packedWidth = (dimension + 1) / 2
        var packed = [UInt8](repeating: 0, count: rowCount * packedWidth)
        for i in 0..<rowCount {
            for j in 0..<dimension {
                let shift: UInt8 = j % 2 == 0 ? 4 : 0
                packed[i * packedWidth + j / 2] |= codes[i * dimension + j] << shift
            }
        }
        return packed
    }

    /// The unsigned code of dimension `j` in row `row` of `quantized`.
    @inline(__always)
    static func code(_ bytes: UnsafeBufferPointer<UInt8>, precision: Precision, rowStart: Int, column j: Int) -> Int {
        switch precision {
        case .int8: return Int(bytes[rowStart + j] ^ 0x80)
        case .int4:
            let byte = bytes[rowStart + j / 2]
            return Int(j % 2 == 0 ? byte >> 4 : byte & 0x0F)
        default: return Int(bytes[rowStart + j])
        }
    }

    /// Reconstructs values from codes: bucket centres for `floor`, grid points for `nearest`.
    static func decode(_ quantized: QuantizedEmbeddings, ranges: QuantizationRanges) -> [Float] {
        let (n, d) = (quantized.rowCount, quantized.dimension)
        let levels = quantized.precision == .int4 ? 16 : 256
        let steps = ranges.steps(levels: levels)
        let offset: Float = quantized.rounding == .floor ? 0.5 : 0
        let width = quantized.bytesPerVector
        var values = [Float](repeating: 0, count: n * d)
        quantized.codes.withUnsafeBufferPointer { bytes in
            for i in 0..<n {
                for j in 0..<d {
                    let low = ranges.minimums[j]
                    if low == ranges.maximums[j] {
                        values[i * d + j] = low
                    } else {
                        let code = code(bytes, precision: quantized.precision, rowStart: i * width, column: j)
                        values[i * d + j] = low + (Float(code) + offset) * steps[j]
                    }
                }
            }
        }
        return values
    }
}
