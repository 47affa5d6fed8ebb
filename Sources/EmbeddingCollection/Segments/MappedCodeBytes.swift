import EmbeddingSearch
import EmbeddingStore

/// A segment's codes as they lie in its file's read-only mapping, as a `ByteSource`: what a
/// `RaBitQIndex` refines its candidates from, so a segment's RaBitQ codes are not held twice
/// (the index keeps only its scan blocks in memory). Holds the `MappedCodes`, which keeps the
/// mapping alive.
struct MappedCodeBytes: ByteSource {
    /// The mapped section.
    let codes: MappedCodes

    /// Bytes of the section (`rowCount × bytesPerVector`).
    var byteCount: Int { codes.bytes.count }

    /// Calls `body` with the mapped bytes.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(codes.bytes)
    }
}
