/// A dense `rowCount × dimension` matrix of float32 embeddings, row-major.
///
/// Value `(row, column)` lives at `values[row * dimension + column]`. A single vector is a
/// matrix with one row; an empty batch has `rowCount == 0` and keeps its dimension.
public struct EmbeddingMatrix: Sendable, Equatable {
    /// Number of embeddings (rows).
    public let rowCount: Int
    /// Number of dimensions per embedding (columns).
    public let dimension: Int
    /// `rowCount × dimension` values, row-major.
    public private(set) var values: [Float]

    /// Wraps row-major values.
    ///
    /// - Throws: ``QuantizationError/shapeMismatch(expectedValues:actualValues:)`` when
    ///   `values.count != rowCount * dimension`, or ``QuantizationError/invalidParameter(_:)``
    ///   for a negative shape.
    public init(rowCount: Int, dimension: Int, values: [Float]) throws(QuantizationError) {
        guard rowCount >= 0, dimension >= 0 else {
            throw QuantizationError.invalidParameter("negative shape \(rowCount) × \(dimension)")
        }
        guard values.count == rowCount * dimension else {
            throw QuantizationError.shapeMismatch(expectedValues: rowCount * dimension, actualValues: values.count)
        }
        self.rowCount = rowCount
        self.dimension = dimension
        self.values = values
    }

    /// Builds a matrix from rows of equal length.
    ///
    /// - Parameters:
    ///   - rows: the rows, each of the same length (the dimension).
    ///   - dimension: the dimension to use when `rows` is empty.
    /// - Throws: ``QuantizationError/raggedRows(row:expectedDimension:actualDimension:)``.
    public init(rows: [[Float]], dimension: Int? = nil) throws(QuantizationError) {
        let width = rows.first?.count ?? dimension ?? 0
        var flat = [Float]()
        flat.reserveCapacity(rows.count * width)
        for (index, row) in rows.enumerated() {
            guard row.count == width else {
                throw QuantizationError.raggedRows(row: index, expectedDimension: width, actualDimension: row.count)
            }
            flat.append(contentsOf: row)
        }
        try self.init(rowCount: rows.count, dimension: width, values: flat)
    }

    /// A one-row matrix holding `vector`.
    public init(vector: [Float]) {
        self.rowCount = 1
        self.dimension = vector.count
        self.values = vector
    }

    /// An empty batch (`0 × dimension`).
    public static func empty(dimension: Int) -> EmbeddingMatrix {
        // Force-try is safe: an empty value array always matches a zero-row shape.
        try! EmbeddingMatrix(rowCount: 0, dimension: max(0, dimension), values: [])
    }

    /// The values of one row (`dimension` floats).
    public subscript(row row: Int) -> ArraySlice<Float> {
        values[(row * dimension)..<((row + 1) * dimension)]
    }

    /// The rows in `range` as a matrix of their own (`range.count × dimension`, copied).
    ///
    /// - Precondition: `range` lies inside `0 ..< rowCount`.
    public subscript(rows range: Range<Int>) -> EmbeddingMatrix {
        // Force-try is safe: the slice holds exactly range.count × dimension values.
        try! EmbeddingMatrix(
            rowCount: range.count, dimension: dimension,
            values: Array(values[(range.lowerBound * dimension)..<(range.upperBound * dimension)]))
    }

    /// The rows as separate arrays (copies).
    public var rows: [[Float]] {
        (0..<rowCount).map { Array(self[row: $0]) }
    }

    /// Throws ``QuantizationError/nonFiniteValue(row:column:value:)`` for the first NaN or
    /// infinity, scanning rows in order.
    public func validateFinite() throws(QuantizationError) {
        try values.withUnsafeBufferPointer { (buffer) throws(QuantizationError) in
            // Fast scan: x - x is NaN exactly when x is NaN or infinite.
            var probe: Float = 0
            for value in buffer { probe += value - value }
            guard probe.isNaN else { return }
            for index in buffer.indices where !buffer[index].isFinite {
                throw QuantizationError.nonFiniteValue(
                    row: index / Swift.max(dimension, 1), column: index % Swift.max(dimension, 1), value: buffer[index])
            }
        }
    }
}
