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
                        let arguments = (
                            input.baseAddress!, Int64(n), Int64(d), lows.baseAddress, widths.baseAddress,
                            Float(levels - 1), rounding == .nearest ? Int32(1) : 0, xorMask, output.baseAddress!)
                        switch path.isa {
                        case EQ_ISA_AVX512: failedRow = eq_quantize_scalar_codes_avx512(
                            arguments.0, arguments.1, arguments.2, arguments.3, arguments.4,
                            arguments.5, arguments.6, arguments.7, arguments.8)
                        case EQ_ISA_AVX2: failedRow = eq_quantize_scalar_codes_avx2(
                            arguments.0, arguments.1, arguments.2, arguments.3, arguments.4,
                            arguments.5, arguments.6, arguments.7, arguments.8)
                        default: failedRow = eq_quantize_scalar_codes_scalar(
                            arguments.0, arguments.1, arguments.2, arguments.3, arguments.4,
                            arguments.5, arguments.6, arguments.7, arguments.8)
                        }
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
                switch path.isa {
                case EQ_ISA_AVX512: failedRow = eq_pack_signs_avx512(x, rows, columns, xorMask, out)
                case EQ_ISA_AVX2: failedRow = eq_pack_signs_avx2(x, rows, columns, xorMask, out)
                default: failedRow = eq_pack_signs_scalar(x, rows, columns, xorMask, out)
                }
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
                    switch path.isa {
                    case EQ_ISA_AVX512: failedRow = eq_pack_ternary_avx512(x, rows, columns, t, out)
                    default: failedRow = eq_pack_ternary_scalar(x, rows, columns, t, out)
                    }
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
