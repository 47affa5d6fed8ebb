extension EmbeddingMatrix {
    /// Reads float embeddings from a `.npy` array: shape `n × d` (or `d`, one vector), dtype
    /// float32, float16 or float64 (narrowed to float32, rounding to nearest).
    ///
    /// - Throws: ``QuantizationError/integerInput(dtype:)`` for integer or bool arrays (codes
    ///   are not embeddings), ``QuantizationError/invalidParameter(_:)`` for other ranks.
    public init(_ array: NPYArray) throws(QuantizationError) {
        guard array.dataType.isFloatingPoint else {
            throw QuantizationError.integerInput(dtype: array.dataType.name)
        }
        let values: [Float]
        do {
            values = try array.float32Values()
        } catch {
            throw .npy(error)
        }
        switch array.shape.count {
        case 1:
            self.init(vector: values)
        case 2:
            try self.init(rowCount: array.shape[0], dimension: array.shape[1], values: values)
        default:
            throw QuantizationError.invalidParameter(
                "embeddings must be a 2-D array (n × d) or one vector, got shape \(array.shape)")
        }
    }

    /// Reads float embeddings from the `.npy` file at `path` (see ``init(_:)``): the one reader of
    /// embedding files.
    ///
    /// - Throws: ``QuantizationError/npy(_:)`` when the file cannot be read as `.npy`; the errors
    ///   of ``init(_:)``, prefixed with the path.
    public init(contentsOfNPY path: String) throws(QuantizationError) {
        self = try NPYFile.read(contentsOf: path) { (array) throws(QuantizationError) in try EmbeddingMatrix(array) }
    }

    /// The matrix as a float32 `.npy` array of shape `rowCount × dimension`.
    public var npyArray: NPYArray {
        // Force-try is safe: the value count always equals rowCount × dimension.
        try! NPYArray(float32: values, shape: [rowCount, dimension])
    }
}
