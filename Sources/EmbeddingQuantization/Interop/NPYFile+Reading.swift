extension NPYFile {
    /// Reads the `.npy` file at `path` and turns its array into a value with `convert`: the one
    /// path of the `contentsOfNPY:` readers.
    ///
    /// - Throws: ``QuantizationError/npy(_:)`` when the file cannot be read as `.npy`;
    ///   ``QuantizationError/inFile(path:_:)`` wrapping the error of `convert`.
    static func read<Value>(
        contentsOf path: String, as convert: (NPYArray) throws(QuantizationError) -> Value
    ) throws(QuantizationError) -> Value {
        let array: NPYArray
        do {
            array = try read(contentsOf: path)
        } catch {
            throw .npy(error)
        }
        do {
            return try convert(array)
        } catch {
            throw .inFile(path: path, error)
        }
    }
}
