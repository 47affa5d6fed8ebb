/// Bit-packed codes: `binary` / `ubinary` (one bit per dimension) and `ternary` (two bit-planes).
///
/// Bits are packed most-significant first, as NumPy's `packbits`: dimension `8k + b` is bit
/// `7 − b` of byte `k`; the last byte is zero-padded when `d` is not a multiple of 8.
enum BitCodes {
    /// Packs `x > 0` per dimension (`ceil(d/8)` bytes a row). With `signedOffset`, each byte is
    /// stored as `packed − 128` in two's complement (sentence-transformers' `binary`).
    static func encodeSigns(_ matrix: EmbeddingMatrix, signedOffset: Bool) throws(QuantizationError) -> [UInt8] {
        let (n, d) = (matrix.rowCount, matrix.dimension)
        let width = (d + 7) / 8
        let flip: UInt8 = signedOffset ? 0x80 : 0
        return try [UInt8](unsafeUninitializedCapacity: n * width) { (output, initialized) throws(QuantizationError) in
            try matrix.values.withUnsafeBufferPointer { (input) throws(QuantizationError) in
                for i in 0..<n {
                    let row = input.baseAddress! + i * d
                    guard QuantizationKernels.allFinite(row, count: d) else {
                        try QuantizationKernels.throwNonFinite(row: i, values: row, dimension: d)
                        return
                    }
                    let out = output.baseAddress! + i * width
                    for k in 0..<width {
                        var byte: UInt8 = 0
                        let base = k * 8
                        for b in 0..<Swift.min(8, d - base) where row[base + b] > 0 {
                            byte |= 0x80 >> UInt8(b)
                        }
                        out[k] = byte ^ flip
                    }
                }
            }
            initialized = n * width
        }
    }

    /// Two planes of `ceil(d/8)` bytes a row: the "positive" plane (`x > t_d`) first, then the
    /// "negative" plane (`x < −t_d`).
    static func encodeTernary(_ matrix: EmbeddingMatrix, thresholds: [Float]) throws(QuantizationError) -> [UInt8] {
        let (n, d) = (matrix.rowCount, matrix.dimension)
        guard thresholds.count == d else {
            throw QuantizationError.dimensionMismatch(expected: d, actual: thresholds.count, what: "the ternary thresholds")
        }
        let plane = (d + 7) / 8
        var output = [UInt8](repeating: 0, count: n * 2 * plane)
        try matrix.values.withUnsafeBufferPointer { (input) throws(QuantizationError) in
            try output.withUnsafeMutableBufferPointer { (out) throws(QuantizationError) in
                for i in 0..<n {
                    let row = input.baseAddress! + i * d
                    guard QuantizationKernels.allFinite(row, count: d) else {
                        try QuantizationKernels.throwNonFinite(row: i, values: row, dimension: d)
                        return
                    }
                    let positive = out.baseAddress! + i * 2 * plane
                    let negative = positive + plane
                    for j in 0..<d {
                        let bit: UInt8 = 0x80 >> UInt8(j % 8)
                        if row[j] > thresholds[j] { positive[j / 8] |= bit }
                        if row[j] < -thresholds[j] { negative[j / 8] |= bit }
                    }
                }
            }
        }
        return output
    }

    /// Unpacks sign bits to ±1 or 1/0 per dimension.
    static func decodeSigns(_ quantized: QuantizedEmbeddings, bitValues: BitValues) -> [Float] {
        let (n, d) = (quantized.rowCount, quantized.dimension)
        let width = quantized.bytesPerVector
        let flip: UInt8 = quantized.precision == .binary ? 0x80 : 0
        let (one, zero): (Float, Float) = bitValues == .plusMinusOne ? (1, -1) : (1, 0)
        var values = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                let byte = quantized.codes[i * width + j / 8] ^ flip
                values[i * d + j] = byte & (0x80 >> UInt8(j % 8)) != 0 ? one : zero
            }
        }
        return values
    }

    /// Unpacks the two planes to −1, 0 or +1 per dimension.
    static func decodeTernary(_ quantized: QuantizedEmbeddings) -> [Float] {
        let (n, d) = (quantized.rowCount, quantized.dimension)
        let plane = (d + 7) / 8
        var values = [Float](repeating: 0, count: n * d)
        for i in 0..<n {
            for j in 0..<d {
                let bit: UInt8 = 0x80 >> UInt8(j % 8)
                let isPositive = quantized.codes[i * 2 * plane + j / 8] & bit != 0
                let isNegative = quantized.codes[i * 2 * plane + plane + j / 8] & bit != 0
                values[i * d + j] = isPositive ? 1 : (isNegative ? -1 : 0)
            }
        }
        return values
    }
}
