extension QuantizedEmbeddings {
    /// The NumPy dtype and column count that store codes of `precision` for `dimension`
    /// dimensions. `int8`, `uint8`, `binary` and `ubinary` are exactly the arrays
    /// `sentence_transformers.util.quantize_embeddings` returns; the others are EmbedQ's:
    /// `float16` as float16, `bfloat16` as uint16 bit patterns, `int4` as uint8 with two codes a
    /// byte, `ternary` as uint8 holding both bit-planes, `rabitq1` … `rabitq4` as uint8 rows of
    /// bit-planes and correction factors.
    public static func npyLayout(of precision: Precision, dimension: Int) -> (dataType: NPYDataType, columns: Int) {
        switch precision {
        case .float32: return (.float32, dimension)
        case .float16: return (.float16, dimension)
        case .bfloat16: return (.uint16, dimension)
        case .int8: return (.int8, dimension)
        case .binary: return (.int8, precision.bytesPerVector(dimension: dimension))
        case .uint8: return (.uint8, dimension)
        case .int4, .ternary, .ubinary, .rabitq1, .rabitq2, .rabitq3, .rabitq4:
            return (.uint8, precision.bytesPerVector(dimension: dimension))
        }
    }

    /// The codes as a `.npy` array (`rowCount × columns`, see ``npyLayout(of:dimension:)``).
    public var npyArray: NPYArray {
        let layout = Self.npyLayout(of: precision, dimension: dimension)
        // Force-try is safe: the byte count always equals rowCount × bytesPerVector.
        return try! NPYArray(shape: [rowCount, layout.columns], dataType: layout.dataType, bytes: codes)
    }

    /// Wraps codes read from a `.npy` array.
    ///
    /// - Parameters:
    ///   - dimension: the embeddings' dimension; needed where the array's columns do not fix it
    ///     (`binary`, `ubinary`, `ternary`: a multiple of 8 is assumed; `int4`: twice the
    ///     columns). When `ranges` are given, their dimension is used.
    /// - Throws: ``QuantizationError/invalidParameter(_:)`` when dtype or shape do not fit the
    ///   precision, naming both.
    public init(
        _ array: NPYArray, precision: Precision, dimension: Int? = nil,
        ranges: QuantizationRanges? = nil, rounding: RoundingMode = .floor
    ) throws {
        guard array.shape.count == 2 || array.shape.count == 1 else {
            throw QuantizationError.invalidParameter("codes must be a 2-D array, got shape \(array.shape)")
        }
        let rows = array.shape.count == 2 ? array.shape[0] : 1
        let columns = array.shape.last!
        let resolvedDimension: Int
        if let known = dimension ?? ranges?.dimension {
            resolvedDimension = known
        } else {
            switch precision {
            case .binary, .ubinary: resolvedDimension = columns * 8
            case .ternary: resolvedDimension = columns / 2 * 8
            case .int4: resolvedDimension = columns * 2
            case .rabitq1, .rabitq2, .rabitq3, .rabitq4:
                let bits = precision.rabitqCodeBits ?? 1
                resolvedDimension = max(columns - RaBitQCodes.factorBytes, 0) / bits * 8
            default: resolvedDimension = columns
            }
        }
        let layout = Self.npyLayout(of: precision, dimension: resolvedDimension)
        let acceptable: Set<NPYDataType> = precision == .int8 || precision == .binary
            ? [.int8, .uint8] : [layout.dataType]
        guard acceptable.contains(array.dataType), layout.columns == columns else {
            throw QuantizationError.invalidParameter(
                "a \(precision.rawValue) array for dimension \(resolvedDimension) must be \(layout.dataType.name) "
                    + "with \(layout.columns) columns, got \(array.dataType.name) with shape \(array.shape)")
        }
        try self.init(precision: precision, rowCount: rows, dimension: resolvedDimension, codes: array.bytes,
                      ranges: ranges, rounding: rounding)
    }
}
