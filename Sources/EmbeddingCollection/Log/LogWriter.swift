#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Appends records to the current log file: one `pwrite` per frame, then `fdatasync`; the
/// caller acknowledges the batch only after ``append(_:)`` returns. A failed append truncates
/// the file back to where it was, so a half-written frame is never followed by another; when
/// even that fails, the writer refuses further appends.
///
/// Used under the collection's writer lock only (not `Sendable`).
final class LogWriter {
    let path: String
    let firstSequence: UInt64
    private let descriptor: Int32
    /// The end of the last complete frame: where the next one is written.
    private(set) var size: Int
    /// Set when a failed append could not be undone.
    private var broken: CollectionError?
    private let layout: LogFormat.Layout

    private init(path: String, descriptor: Int32, firstSequence: UInt64, size: Int, layout: LogFormat.Layout) {
        self.path = path
        self.descriptor = descriptor
        self.firstSequence = firstSequence
        self.size = size
        self.layout = layout
    }

    deinit { close(descriptor) }

    /// Creates a new, empty log in `directory` for records from `firstSequence` on (written to a
    /// temporary file with its header, fsynced and renamed into place).
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func create(directory: String, firstSequence: UInt64, layout: LogFormat.Layout) throws(CollectionError) -> LogWriter {
        let path = CollectionFiles.path(directory, CollectionFiles.logName(firstSequence: firstSequence))
        try CollectionFiles.writeAtomically(LogFormat.header(firstSequence: firstSequence), to: path)
        return try reopen(path: path, firstSequence: firstSequence, validEnd: LogFormat.headerSize, layout: layout)
    }

    /// Opens the log at `path` for appending after its last good frame, cutting off a torn tail
    /// past `validEnd` (made durable before any append).
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func reopen(path: String, firstSequence: UInt64, validEnd: Int, layout: LogFormat.Layout) throws(CollectionError) -> LogWriter {
        let descriptor = open(path, O_WRONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CollectionFiles.lastError("open", path) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let error = CollectionFiles.lastError("fstat", path)
            close(descriptor)
            throw error
        }
        if Int(status.st_size) != validEnd {
            guard ftruncate(descriptor, off_t(validEnd)) == 0, fdatasync(descriptor) == 0 else {
                let error = CollectionFiles.lastError("ftruncate", path)
                close(descriptor)
                throw error
            }
        }
        return LogWriter(path: path, descriptor: descriptor, firstSequence: firstSequence, size: validEnd, layout: layout)
    }

    /// Appends `record` and makes it durable.
    ///
    /// - Throws: ``CollectionError/invalidArgument(_:)`` for a batch too large for one record;
    ///   ``CollectionError/systemError(path:operation:errno:message:)`` (the log is as before).
    func append(_ record: LogRecord) throws(CollectionError) {
        if let broken { throw broken }
        let body = record.encoded(fastWidth: layout.fastWidth, rescoringWidth: layout.rescoringWidth)
        guard body.count <= LogFormat.maximumBodyLength else {
            throw .invalidArgument("a batch of \(body.count) bytes exceeds the largest log record (\(LogFormat.maximumBodyLength) bytes); split it")
        }
        let frame = LogFormat.frame(body)
        var written = 0
        var failure: CollectionError?
        while written < frame.count {
            let result = frame.withUnsafeBytes { pwrite(descriptor, $0.baseAddress! + written, frame.count - written, off_t(size + written)) }
            if result < 0 {
                if errno == EINTR { continue }
                failure = CollectionFiles.lastError("pwrite", path)
                break
            }
            written += result
        }
        if failure == nil, fdatasync(descriptor) != 0 { failure = CollectionFiles.lastError("fdatasync", path) }
        if let failure {
            if ftruncate(descriptor, off_t(size)) != 0 || fdatasync(descriptor) != 0 {
                broken = CollectionFiles.lastError("ftruncate after a failed append", path)
            }
            throw failure
        }
        size += frame.count
    }
}
