/// Floating-point codes: `float32` (the values' bytes), `float16` and `bfloat16`
/// (round-to-nearest-even), all little-endian.
enum FloatCodes {
    static func encode(_ matrix: EmbeddingMatrix, precision: Precision) throws(QuantizationError) -> [UInt8] {
        let (n, d) = (matrix.rowCount, matrix.dimension)
        var output = [UInt8](repeating: 0, count: n * precision.bytesPerVector(dimension: d))
        try matrix.values.withUnsafeBufferPointer { (input) throws(QuantizationError) in
            try output.withUnsafeMutableBufferPointer { (buffer) throws(QuantizationError) in
                let raw = UnsafeMutableRawBufferPointer(buffer)
                for i in 0..<n {
                    let row = input.baseAddress! + i * d
                    guard QuantizationKernels.allFinite(row, count: d) else {
                        try QuantizationKernels.throwNonFinite(row: i, values: row, dimension: d)
                        return
                    }
                    for j in 0..<d {
                        let index = i * d + j
                        switch precision {
                        case .float32:
                            raw.storeBytes(of: row[j].bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
                        case .float16:
                            raw.storeBytes(of: HalfPrecision.float16Bits(from: row[j]).littleEndian, toByteOffset: index * 2, as: UInt16.self)
                        default:
                            raw.storeBytes(of: HalfPrecision.bfloat16Bits(from: row[j]).littleEndian, toByteOffset: index * 2, as: UInt16.self)
                        }
                    }
                }
            }
        }
        return output
    }

    static func decode(_ quantized: QuantizedEmbeddings) -> [Float] {
        let count = quantized.rowCount * quantized.dimension
        return quantized.codes.withUnsafeBytes { raw in
            (0..<count).map { index in
                switch quantized.precision {
                case .float32:
                    return Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                case .float16:
                    return HalfPrecision.float(fromFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
                default:
                    return HalfPrecision.float(fromBFloat16Bits: UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: index * 2, as: UInt16.self)))
                }
            }
        }
    }
}
