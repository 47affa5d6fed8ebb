/// Converts element data from Fortran (column-major) to C (row-major) order.
enum NPYFortranOrder {
    /// Reorders `data`, holding the elements of an array of `shape` in Fortran order (first
    /// index fastest), into C order (last index fastest). `data.count` must be
    /// product(shape) × `itemSize`.
    ///
    /// - Parameter useTiledTransposeFor2D: `false` forces the general N-D path (for tests).
    static func cOrder(
        fromFortranOrder data: [UInt8], shape: [Int], itemSize: Int, useTiledTransposeFor2D: Bool = true
    ) -> [UInt8] {
        let count = data.count / max(itemSize, 1)
        guard count > 1, shape.count > 1 else { return data }
        // Fortran strides in elements: stride[k] = d0 × … × d(k-1).
        var strides = [Int](repeating: 1, count: shape.count)
        for axis in 1..<shape.count { strides[axis] = strides[axis - 1] * shape[axis - 1] }
        // Every element is written exactly once below, so the storage need not be zeroed first.
        return [UInt8](unsafeUninitializedCapacity: data.count) { buffer, initialized in
            let destination = UnsafeMutableRawBufferPointer(buffer)
            adviseHugePages(destination)
            initialized = data.count
            data.withUnsafeBytes { source in
                if shape.count == 2 && useTiledTransposeFor2D {
                    switch itemSize {
                    case 1: transpose(source, destination, UInt8.self, rows: shape[0], columns: shape[1])
                    case 2: transpose(source, destination, UInt16.self, rows: shape[0], columns: shape[1])
                    case 4: transpose(source, destination, UInt32.self, rows: shape[0], columns: shape[1])
                    default: transpose(source, destination, UInt64.self, rows: shape[0], columns: shape[1])
                    }
                    return
                }
                switch itemSize {
                case 1: permute(source, destination, UInt8.self, shape: shape, strides: strides, count: count)
                case 2: permute(source, destination, UInt16.self, shape: shape, strides: strides, count: count)
                case 4: permute(source, destination, UInt32.self, shape: shape, strides: strides, count: count)
                default: permute(source, destination, UInt64.self, shape: shape, strides: strides, count: count)
                }
            }
        }
    }

    /// Transposes a Fortran-order `rows × columns` matrix (stored as `columns` runs of `rows`
    /// elements) into C order, in square tiles so that both sides stay in cache.
    private static func transpose<Word: FixedWidthInteger>(
        _ source: UnsafeRawBufferPointer, _ destination: UnsafeMutableRawBufferPointer, _: Word.Type,
        rows: Int, columns: Int
    ) {
        let size = MemoryLayout<Word>.size
        let tile = 32
        for rowStart in stride(from: 0, to: rows, by: tile) {
            let rowEnd = min(rowStart + tile, rows)
            for columnStart in stride(from: 0, to: columns, by: tile) {
                let columnEnd = min(columnStart + tile, columns)
                for row in rowStart..<rowEnd {
                    for column in columnStart..<columnEnd {
                        let value = source.loadUnaligned(fromByteOffset: (column * rows + row) * size, as: Word.self)
                        destination.storeBytes(of: value, toByteOffset: (row * columns + column) * size, as: Word.self)
                    }
                }
            }
        }
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
