/// Converts element data from Fortran (column-major) to C (row-major) order.
enum NPYFortranOrder {
    /// Reorders `data`, holding the elements of an array of `shape` in Fortran order (first
    /// index fastest), into C order (last index fastest). `data.count` must be
    /// product(shape) × `itemSize`.
    static func cOrder(fromFortranOrder data: [UInt8], shape: [Int], itemSize: Int) -> [UInt8] {
        let count = data.count / max(itemSize, 1)
        guard count > 1, shape.count > 1 else { return data }
        // Fortran strides in elements: stride[k] = d0 × … × d(k-1).
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        var result = [UInt8](repeating: 0, count: data.count)
        data.withUnsafeBytes { source in
            result.withUnsafeMutableBytes { destination in
                switch itemSize {
                case 1: permute(source, destination, UInt8.self, shape: shape, strides: strides, count: count)
                case 2: permute(source, destination, UInt16.self, shape: shape, strides: strides, count: count)
                case 4: permute(source, destination, UInt32.self, shape: shape, strides: strides, count: count)
                default: permute(source, destination, UInt64.self, shape: shape, strides: strides, count: count)
                }
            }
        }
        return result
    }

    /// Walks the destination in C order with an odometer over the indices, keeping the
    /// matching Fortran-order source element index up to date.
    private static func permute<Word: FixedWidthInteger>(
        _ source: UnsafeRawBufferPointer, _ destination: UnsafeMutableRawBufferPointer, _: Word.Type,
        shape: [Int], strides: [Int], count: Int
    ) {
        let size = MemoryLayout<Word>.size
        let lastAxis = shape.count - 1
        var index = [Int](repeating: 0, count: shape.count)
        var sourceElement = 0
        for destinationElement in 0..<count {
            let value = source.loadUnaligned(fromByteOffset: sourceElement * size, as: Word.self)
            destination.storeBytes(of: value, toByteOffset: destinationElement * size, as: Word.self)
            var axis = lastAxis
            while axis >= 0 {
                index[axis] += 1
                sourceElement += strides[axis]
                if index[axis] < shape[axis] { break }
                sourceElement -= strides[axis] * shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
    }
}
