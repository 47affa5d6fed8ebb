import EmbeddingQuantization

extension FlatIndex {
    /// Builds a ``FlatIndex`` from codes that arrive in row order, a chunk at a time (for example
    /// streamed from an index file), so that the row-major codes are never held whole beside the
    /// blocked layout: peak memory is the layout plus one chunk.
    ///
    /// ```swift
    /// let builder = try FlatIndex.StreamingBuilder(precision: .ubinary, rowCount: n, dimension: 384, ranges: nil, rounding: .floor)
    /// try codesInFile.readRowsInOrder { _, chunk in builder.append(chunk) }
    /// let index = builder.finish()
    /// ```
    ///
    /// The result is the index `FlatIndex(QuantizedEmbeddings(...))` makes of the same codes, byte
    /// for byte. Not thread-safe: one builder is fed by one thread.
    package final class StreamingBuilder {
        private let precision: Precision
        private let rowCount: Int
        private let dimension: Int
        private let ranges: QuantizationRanges?
        private let rounding: RoundingMode
        private let layout: BlockLayout
        private let storage: BlockedStorage
        private let rowBytes: Int
        private let scratch: UnsafeMutablePointer<UInt8>
        private var rowBias: [Int32] = []
        /// Rows appended so far.
        package private(set) var appendedRows = 0

        /// A builder of `rowCount` rows of `precision` codes of `dimension` dimensions, with the
        /// calibration and rounding they were made with.
        ///
        /// - Throws: as indexing `QuantizedEmbeddings` does:
        ///   ``SearchError/dimensionTooLarge(dimension:limit:precision:)`` for integer codes wider
        ///   than ``FlatIndex/maximumIntegerDimension``, ``SearchError/unsupportedPrecision(_:reason:)``
        ///   for RaBitQ codes.
        package init(
            precision: Precision, rowCount: Int, dimension: Int, ranges: QuantizationRanges?, rounding: RoundingMode
        ) throws(SearchError) {
            if precision.rabitqCodeBits != nil {
                throw SearchError.unsupportedPrecision(precision, reason: "a FlatIndex has no RaBitQ estimator; use RaBitQIndex")
            }
            try FlatIndex.checkDimension(dimension, precision: precision)
            self.precision = precision
            self.rowCount = rowCount
            self.dimension = dimension
            self.ranges = ranges
            self.rounding = rounding
            layout = BlockLayout(precision: precision, dimension: dimension)
            storage = BlockedStorage(byteCount: BlockLayout.blockCount(rows: rowCount) * layout.blockBytes)
            rowBytes = precision.bytesPerVector(dimension: dimension)
            scratch = .allocate(capacity: Swift.max(layout.rowBytes, 1))
            if precision == .uint8 { rowBias.reserveCapacity(rowCount) }
        }

        deinit { scratch.deallocate() }

        /// Appends the next whole rows: `chunk` holds `k × bytesPerVector` bytes, row-major.
        ///
        /// - Precondition: `chunk` is whole rows and does not go past `rowCount` rows in all.
        package func append(_ chunk: UnsafeRawBufferPointer) {
            guard rowBytes > 0, let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
            precondition(chunk.count % rowBytes == 0, "a chunk of \(chunk.count) bytes is not whole rows of \(rowBytes) bytes")
            let rows = chunk.count / rowBytes
            precondition(appendedRows + rows <= rowCount, "more than the \(rowCount) rows announced")
            for index in 0..<rows {
                let source = base + index * rowBytes
                layout.padCorpusRow(source, into: scratch)
                storage.store(paddedRow: scratch, at: appendedRows + index, layout: layout)
                if precision == .uint8 { rowBias.append(FlatIndex.uint8RowBias(source, count: rowBytes)) }
            }
            appendedRows += rows
        }

        /// The index over every appended row.
        ///
        /// - Precondition: exactly `rowCount` rows were appended (any number when codes have no
        ///   bytes, e.g. zero dimensions).
        package func finish() -> FlatIndex {
            precondition(rowBytes == 0 || appendedRows == rowCount, "\(appendedRows) of \(rowCount) rows appended")
            let bias = precision == .uint8 && rowBias.count < rowCount
                ? rowBias + Array(repeating: Int32.min, count: rowCount - rowBias.count) : rowBias
            return FlatIndex(
                precision: precision, rowCount: rowCount, dimension: dimension, ranges: ranges, rounding: rounding,
                built: (layout, storage, bias))
        }
    }
}
