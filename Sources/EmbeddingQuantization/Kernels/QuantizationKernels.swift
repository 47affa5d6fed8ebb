/// Dispatch from a ``Precision`` to the encoding and decoding loops.
///
/// Every loop here is the plain reference: one row at a time, row-major input and output.
enum QuantizationKernels {
    /// Encodes `matrix` into `rowCount × precision.bytesPerVector(dimension:)` bytes, with the
    /// C kernels (`path`) where they exist and the plain-Swift loops otherwise.
    static func encode(
        _ matrix: EmbeddingMatrix, precision: Precision, ranges: QuantizationRanges?, rounding: RoundingMode,
        path: KernelPath = .automatic
    ) throws -> [UInt8] {
        if matrix.rowCount == 0 || matrix.dimension == 0 {
            return [UInt8](repeating: 0, count: matrix.rowCount * precision.bytesPerVector(dimension: matrix.dimension))
        }
        let fast = path != .reference
        switch precision {
        case .float32, .float16, .bfloat16:
            return try FloatCodes.encode(matrix, precision: precision)
        case .int8, .uint8, .int4:
            guard let ranges else { throw QuantizationError.missingCalibration(precision) }
            let levels = precision == .int4 ? 16 : 256
            if precision == .int8 {
                return fast
                    ? try FastCodes.scalarCodes(matrix, ranges: ranges, levels: levels, rounding: rounding, xorMask: 0x80, path: path)
                    : ScalarCodes.offsetToSigned(try ScalarCodes.encode(matrix, ranges: ranges, levels: levels, rounding: rounding))
            }
            let bytes = fast
                ? try FastCodes.scalarCodes(matrix, ranges: ranges, levels: levels, rounding: rounding, xorMask: 0, path: path)
                : try ScalarCodes.encode(matrix, ranges: ranges, levels: levels, rounding: rounding)
            return precision == .int4
                ? ScalarCodes.packNibbles(bytes, rowCount: matrix.rowCount, dimension: matrix.dimension) : bytes
        case .binary, .ubinary:
            let mask: UInt8 = precision == .binary ? 0x80 : 0
            return fast
                ? try FastCodes.signBits(matrix, xorMask: mask, path: path)
                : try BitCodes.encodeSigns(matrix, signedOffset: precision == .binary)
        case .ternary:
            guard let thresholds = ranges?.ternaryThresholds else { throw QuantizationError.missingCalibration(.ternary) }
            guard thresholds.count == matrix.dimension else {
                throw QuantizationError.dimensionMismatch(
                    expected: matrix.dimension, actual: thresholds.count, what: "the ternary thresholds")
            }
            return fast
                ? try FastCodes.ternaryBits(matrix, thresholds: thresholds, path: path)
                : try BitCodes.encodeTernary(matrix, thresholds: thresholds)
        case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            guard let rotation = ranges?.rotation else { throw QuantizationError.missingCalibration(precision) }
            return try RaBitQCodes.encode(matrix, bits: precision.rabitqCodeBits ?? 1, rotation: rotation)
        }
    }

    /// Decodes `quantized` back to `rowCount × dimension` float32 values.
    static func decode(_ quantized: QuantizedEmbeddings, bitValues: BitValues) throws -> EmbeddingMatrix {
        let values: [Float]
        switch quantized.precision {
        case .float32, .float16, .bfloat16:
            values = FloatCodes.decode(quantized)
        case .int8, .uint8, .int4:
            guard let ranges = quantized.ranges else { throw QuantizationError.missingCalibration(quantized.precision) }
            values = ScalarCodes.decode(quantized, ranges: ranges)
        case .binary, .ubinary:
            values = BitCodes.decodeSigns(quantized, bitValues: bitValues)
        case .ternary:
            values = BitCodes.decodeTernary(quantized)
        case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            guard let rotation = quantized.ranges?.rotation else { throw QuantizationError.missingCalibration(quantized.precision) }
            values = RaBitQCodes.decode(quantized, rotation: rotation)
        }
        return try EmbeddingMatrix(rowCount: quantized.rowCount, dimension: quantized.dimension, values: values)
    }

    /// Throws for the first non-finite value of row `row` (`dimension` values at `values`).
    /// Call after a cheap per-row check found one.
    static func throwNonFinite(row: Int, values: UnsafePointer<Float>, dimension: Int) throws {
        for column in 0..<dimension where !values[column].isFinite {
            throw QuantizationError.nonFiniteValue(row: row, column: column, value: values[column])
        }
    }

    /// Whether `count` floats at `values` are all finite, without branching per value.
    @inline(__always)
    static func allFinite(_ values: UnsafePointer<Float>, count: Int) -> Bool {
        var probe: Float = 0
        for index in 0..<count { probe += values[index] - values[index] }
        return !probe.isNaN
    }
}
