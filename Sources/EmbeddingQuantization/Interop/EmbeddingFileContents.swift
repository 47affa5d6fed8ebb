/// What a `.npy` file of embeddings or codes holds: float embeddings (any float dtype) or codes
/// of a given precision (integer dtypes). The one reader for inputs that may be either, such as
/// the corpus and the queries of `embedq search`.
public enum EmbeddingFileContents: Sendable, Equatable {
    /// Float embeddings (`n × d`, or one vector).
    case floats(EmbeddingMatrix)
    /// Codes of the precision asked for.
    case codes(QuantizedEmbeddings)

    /// Reads the `.npy` file at `path`: float arrays as ``EmbeddingMatrix``, integer arrays as
    /// codes of `precision` (see ``QuantizedEmbeddings/init(_:precision:dimension:ranges:rounding:)``
    /// for `dimension` and `ranges`).
    ///
    /// - Throws: ``QuantizationError/npy(_:)`` when the file cannot be read as `.npy`;
    ///   ``QuantizationError/inFile(path:_:)`` wrapping why the array is neither.
    public init(
        contentsOfNPY path: String, precision: Precision, dimension: Int? = nil, ranges: QuantizationRanges? = nil
    ) throws(QuantizationError) {
        self = try NPYFile.read(contentsOf: path) { (array) throws(QuantizationError) in
            array.dataType.isFloatingPoint
                ? .floats(try EmbeddingMatrix(array))
                : .codes(try QuantizedEmbeddings(array, precision: precision, dimension: dimension, ranges: ranges))
        }
    }
}
