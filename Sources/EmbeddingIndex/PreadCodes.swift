import EmbeddingQuantization
import EmbeddingSearch
import EmbeddingStore

/// An index file's rescoring codes as `RefinementCodes`, read with `pread`
/// (`MappedCodes/copyRows(_:into:)`): the candidates' rows come from the page cache without
/// being mapped into the process, so rescoring never adds the section to resident memory.
public struct PreadCodes: RefinementCodes {
    /// The file's rescoring section.
    public let codes: MappedCodes

    /// Reads `codes` (a section of an open index file or collection segment) with `pread`.
    public init(_ codes: MappedCodes) { self.codes = codes }

    /// The precision of the codes.
    public var precision: Precision { codes.precision }
    /// Rows of the section.
    public var rowCount: Int { codes.rowCount }
    /// Dimensions of the embeddings the codes encode.
    public var dimension: Int { codes.dimension }
    /// The calibration of integer and ternary codes.
    public var ranges: QuantizationRanges? { codes.ranges }
    /// The rounding of integer codes.
    public var rounding: RoundingMode { codes.rounding }

    /// Reads `rows` (ascending; consecutive rows in one call) into one buffer and hands each row
    /// to `body`.
    ///
    /// - Throws: `SearchError/rowOutOfRange(row:rowCount:)`; `SearchError/readFailed(operation:errno:message:)`.
    public func withRows(_ rows: [Int], _ body: (Int, UnsafeRawBufferPointer) -> Void) throws(SearchError) {
        if let bad = rows.first(where: { $0 < 0 || $0 >= rowCount }) {
            throw SearchError.rowOutOfRange(row: bad, rowCount: rowCount)
        }
        let bytes: [UInt8]
        do {
            bytes = try codes.rows(rows)
        } catch {
            throw Self.readFailure(error)
        }
        let width = codes.bytesPerVector
        bytes.withUnsafeBytes { all in
            for position in rows.indices {
                body(position, UnsafeRawBufferPointer(rebasing: all[(position * width)..<((position + 1) * width)]))
            }
        }
    }

    /// The search error for a failed read of the rescoring section.
    static func readFailure(_ error: IndexFileError) -> SearchError {
        switch error {
        case .systemError(let operation, let errno, let message):
            return .readFailed(operation: operation, errno: errno, message: message)
        case .truncated(let needed, let actual):
            return .readFailed(operation: "pread", errno: 0, message: "the file ends at byte \(actual), before byte \(needed)")
        default:
            return .readFailed(operation: "pread", errno: 0, message: error.description)
        }
    }
}
