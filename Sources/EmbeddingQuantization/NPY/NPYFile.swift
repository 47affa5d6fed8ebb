/// Reads and writes NumPy `.npy` files (format versions 1.0, 2.0 and 3.0).
///
/// Reading accepts little- and big-endian data (`<`, `>`, `=`, `|` byte-order marks), C and
/// Fortran order (Fortran-order arrays are transposed to C order), scalars and any number of
/// dimensions, for the dtypes of ``NPYDataType``. Writing produces exactly the bytes that
/// `numpy.save` writes for the same array: version 1.0 (2.0 when the header exceeds 65535
/// bytes), little-endian, C order, data aligned to 64 bytes.
///
/// Malformed input never traps: every problem is an ``NPYError``, and sizes are checked against
/// the bytes actually available before anything is allocated.
public enum NPYFile {
    /// Decodes a complete `.npy` file held in memory.
    ///
    /// - Returns: the array in C order with little-endian element bytes.
    /// - Throws: ``NPYError`` naming the problem (bad magic, unsupported version, truncated or
    ///   malformed header, unsupported dtype, invalid shape, data size mismatch).
    public static func decode(_ bytes: [UInt8]) throws(NPYError) -> NPYArray {
        let preamble = try NPYHeader.parsePreamble(bytes[0..<min(bytes.count, 12)])
        guard preamble.dataOffset <= bytes.count else {
            throw NPYError.truncated(what: "the header", needed: preamble.dataOffset, available: bytes.count)
        }
        let layout = try Layout(
            header: NPYHeader.parse(text: bytes[preamble.headerOffset..<preamble.dataOffset], isUTF8: preamble.isUTF8))
        let available = bytes.count - preamble.dataOffset
        guard available == layout.byteCount else {
            throw NPYError.dataSizeMismatch(expectedBytes: layout.byteCount, actualBytes: available)
        }
        return layout.makeArray(data: Array(bytes[preamble.dataOffset...]))
    }

    /// Encodes `array` as a version 1.0 `.npy` file (2.0 if the header exceeds 65535 bytes),
    /// byte-identical to `numpy.save` for the same shape, dtype and values.
    public static func encode(_ array: NPYArray) -> [UInt8] {
        header(for: array) + array.bytes
    }

    /// The header bytes (magic to final `\n`) that precede `array`'s element data.
    static func header(for array: NPYArray) -> [UInt8] {
        NPYHeader(descr: array.dataType.descr, fortranOrder: false, shape: array.shape).encoded()
    }

    /// What a parsed header says about the element data that follows it.
    struct Layout {
        var header: NPYHeader
        var dataType: NPYDataType
        var isBigEndian: Bool
        /// product(shape) × item size, checked for overflow.
        var byteCount: Int

        init(header: NPYHeader) throws(NPYError) {
            self.header = header
            (dataType, isBigEndian) = try NPYDataType.parse(descr: header.descr)
            byteCount = try NPYHeader.sizes(shape: header.shape, itemSize: dataType.itemSize).bytes
        }

        /// Turns the raw element data (exactly ``byteCount`` bytes) into a C-order,
        /// little-endian array.
        func makeArray(data: consuming [UInt8]) -> NPYArray {
            if isBigEndian != NPYDataType.hostIsBigEndian {
                NPYArray.swapBytes(&data, itemSize: dataType.itemSize)
            }
            if header.fortranOrder && header.shape.count > 1 {
                data = NPYFortranOrder.cOrder(fromFortranOrder: data, shape: header.shape, itemSize: dataType.itemSize)
            }
            return NPYArray(uncheckedShape: header.shape, dataType: dataType, bytes: data)
        }
    }
}
