import EmbeddingKernels

/// The C fast paths of ``ScalarCodes`` and ``BitCodes``: same bytes, tested against them.
enum FastCodes {
    /// Unsigned bucket codes, one byte per dimension, stored as `code ^ xorMask`.
    static func scalarCodes(
        _ matrix: EmbeddingMatrix, ranges: QuantizationRanges, levels: Int, rounding: RoundingMode,
        xorMask: UInt8, path: KernelPath
    ) throws(QuantizationError) -> [UInt8] {
        let (n, d) = (matrix.rowCount, matrix.dimension)
        let steps = ranges.steps(levels: levels)
        var failedRow: Int64 = -1
        let codes = [UInt8](unsafeUninitializedCapacity: n * d) { output, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(output))
            matrix.values.withUnsafeBufferPointer { input in
                ranges.minimums.withUnsafeBufferPointer { lows in
                    steps.withUnsafeBufferPointer { widths in
                        failedRow = path.table.table.quantize_scalar_codes(
                            input.baseAddress!, Int64(n), Int64(d), lows.baseAddress, widths.baseAddress,
                            Float(levels - 1), rounding == .nearest ? Int32(1) : 0, xorMask, output.baseAddress!)
                    }
                }
            }
            initialized = n * d
        }
        try throwIfFailed(failedRow, matrix)
        return codes
    }

    /// Packed sign bits (`x > 0`), each byte stored as `packed ^ xorMask`.
    static func signBits(_ matrix: EmbeddingMatrix, xorMask: UInt8, path: KernelPath) throws(QuantizationError) -> [UInt8] {
        let (n, d) = (matrix.rowCount, matrix.dimension)
        let width = (d + 7) / 8
        var failedRow: Int64 = -1
        let codes = [UInt8](unsafeUninitializedCapacity: n * width) { output, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(output))
            matrix.values.withUnsafeBufferPointer { input in
                let (x, rows, columns, out) = (input.baseAddress!, Int64(n), Int64(d), output.baseAddress!)
                failedRow = path.table.table.pack_signs(x, rows, columns, xorMask, out)
            }
            initialized = n * width
        }
        try throwIfFailed(failedRow, matrix)
        return codes
    }

    /// Ternary bit-planes (positive plane, then negative plane, per row).
    static func ternaryBits(_ matrix: EmbeddingMatrix, thresholds: [Float], path: KernelPath) throws(QuantizationError) -> [UInt8] {
        let (n, d) = (matrix.rowCount, matrix.dimension)
        let width = 2 * ((d + 7) / 8)
        var failedRow: Int64 = -1
        let codes = [UInt8](unsafeUninitializedCapacity: n * width) { output, initialized in
            adviseHugePages(UnsafeMutableRawBufferPointer(output))
            matrix.values.withUnsafeBufferPointer { input in
                thresholds.withUnsafeBufferPointer { limits in
                    let (x, rows, columns, t, out) = (
                        input.baseAddress!, Int64(n), Int64(d), limits.baseAddress!, output.baseAddress!)
                    failedRow = path.table.table.pack_ternary(x, rows, columns, t, out)
                }
            }
            initialized = n * width
        }
        try throwIfFailed(failedRow, matrix)
        return codes
    }

    /// Turns a kernel's failed-row index into ``QuantizationError/nonFiniteValue(row:column:value:)``.
    private static func throwIfFailed(_ failedRow: Int64, _ matrix: EmbeddingMatrix) throws(QuantizationError) {
        guard failedRow >= 0 else { return }
        let row = Int(failedRow)
        try matrix.values.withUnsafeBufferPointer { (values) throws(QuantizationError) in
            try QuantizationKernels.throwNonFinite(
                row: row, values: values.baseAddress! + row * matrix.dimension, dimension: matrix.dimension)
        }
    }
}
