import EmbeddingQuantization
import EmbeddingSearch

/// The first stage of a heavily deleted index file: a ``FlatIndex`` over a copy of the live rows
/// only, answering in the file's stored row numbers (position `p` of the copy is stored row
/// `liveRows[p]`). Rows it does not hold are never returned, as deleted rows must not be.
struct LiveRowsIndex: VectorIndex {
    /// The live rows' fast codes, in stored row order.
    let live: FlatIndex
    /// The stored row of each position of ``live``, ascending.
    let liveRows: [Int]
    /// Stored rows of the file, deleted ones included.
    let rowCount: Int

    var dimension: Int { live.dimension }

    /// Copies the rows `liveRows` (ascending) of `codes` into a ``FlatIndex``.
    ///
    /// - Throws: the errors of ``FlatIndex/init(_:)-(QuantizedEmbeddings)``.
    init(_ codes: QuantizedEmbeddings, liveRows: [Int]) throws(SearchError) {
        let width = codes.bytesPerVector
        var bytes: [UInt8] = []
        bytes.reserveCapacity(liveRows.count * width)
        codes.codes.withUnsafeBufferPointer { all in
            for row in liveRows { bytes.append(contentsOf: all[(row * width)..<((row + 1) * width)]) }
        }
        let copy: QuantizedEmbeddings
        do {
            copy = try QuantizedEmbeddings(
                precision: codes.precision, rowCount: liveRows.count, dimension: codes.dimension, codes: bytes,
                ranges: codes.ranges, rounding: codes.rounding)
        } catch {
            throw SearchError.quantization(error)
        }
        live = try FlatIndex(copy)
        self.liveRows = liveRows
        rowCount = codes.rowCount
    }

    /// Searches the live rows; a filter on stored rows is translated to positions of the copy.
    /// Positions increase with stored rows, so ties stay ordered by ascending stored row.
    func search(_ queries: EmbeddingMatrix, k: Int, parameters: SearchParameters) throws(SearchError) -> SearchResults {
        var translated = parameters
        if let filter = parameters.filter {
            let rows = liveRows
            translated.filter = .allowing(RowBitset(rowCount: rows.count, rows: rows.indices.lazy.filter { filter.allows(rows[$0]) }))
        }
        let results = try live.search(queries, k: k, parameters: translated)
        return SearchResults(
            metric: results.metric,
            hits: results.hits.map { hits in hits.map { SearchHit(row: liveRows[$0.row], score: $0.score) } })
    }
}
