#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads JSON lines from a file descriptor and hands them out in batches: a full batch when
/// enough lines are waiting, a shorter one when the writer pauses (nothing more can be read
/// without blocking), so a driver that sends a few lines and waits for their answers is never
/// left waiting for a batch to fill. Blank lines are skipped but counted; the last line needs
/// no newline.
public struct StreamLineReader {
    /// The descriptor read from (not closed by the reader).
    public let fileDescriptor: Int32
    /// Longest accepted line in bytes (newline excluded); a longer line becomes
    /// ``StreamLineError/oversizedLine(line:limit:)`` and is skipped up to its newline.
    public let maximumLineBytes: Int
    /// Whether each line's `"payload"` member is read (``StreamRecord/payload``).
    public let readingPayloads: Bool
    private var buffer: [UInt8] = []
    private var start = 0
    private var scanned = 0
    private var lineNumber = 0
    private var endOfInput = false
    private var skippingOversizedLine = false

    /// Creates a reader of `fileDescriptor`; `readingPayloads` reads each line's `"payload"`
    /// member too (for collection segments).
    public init(fileDescriptor: Int32, maximumLineBytes: Int = 8 << 20, readingPayloads: Bool = false) {
        self.fileDescriptor = fileDescriptor
        self.maximumLineBytes = max(1, maximumLineBytes)
        self.readingPayloads = readingPayloads
    }

    /// Up to `limit` parsed lines, in input order; `nil` once the input has ended and every line
    /// was handed out.
    ///
    /// - Throws: ``StreamIOError/readFailed(errno:)`` when `read(2)` fails.
    public mutating func nextBatch(limit: Int) throws -> [Result<StreamRecord, StreamLineFailure>]? {
        var batch: [Result<StreamRecord, StreamLineFailure>] = []
        while batch.count < max(1, limit) {
            if let line = nextLine() {
                if let parsed = line { batch.append(parsed) }
                continue
            }
            if endOfInput { break }
            if !batch.isEmpty, !inputIsReady() { break }
            try fill()
        }
        return batch.isEmpty && endOfInput ? nil : batch
    }

    /// The next complete line from the buffer: `.some(nil)` for a blank or skipped line,
    /// `nil` when no complete line is buffered (at the end of input, the unterminated rest).
    private mutating func nextLine() -> Result<StreamRecord, StreamLineFailure>?? {
        if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
            defer { start = newline + 1; scanned = start }
            return .some(take(start..<newline))
        }
        scanned = buffer.count
        if skippingOversizedLine {
            start = buffer.count
        } else if buffer.count - start > maximumLineBytes {
            lineNumber += 1
            skippingOversizedLine = true
            start = buffer.count
            return .some(.failure(StreamLineFailure(id: nil, error: .oversizedLine(line: lineNumber, limit: maximumLineBytes))))
        }
        if endOfInput, start < buffer.count {
            defer { start = buffer.count; scanned = start }
            return .some(take(start..<buffer.count))
        }
        return nil
    }

    /// Counts the line in `range` and parses it (`nil` for blank lines and the tail of an oversized one).
    private mutating func take(_ range: Range<Int>) -> Result<StreamRecord, StreamLineFailure>? {
        if skippingOversizedLine {
            skippingOversizedLine = false
            return nil
        }
        lineNumber += 1
        let bytes = buffer[range]
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        guard bytes.count <= maximumLineBytes else {
            return .failure(StreamLineFailure(id: nil, error: .oversizedLine(line: lineNumber, limit: maximumLineBytes)))
        }
        return StreamRecord.parse(bytes, line: lineNumber, readingPayloads: readingPayloads)
    }

    /// Whether a read would return at once (data or end of input waiting).
    private func inputIsReady() -> Bool {
        var descriptor = pollfd(fd: fileDescriptor, events: Int16(POLLIN), revents: 0)
        return poll(&descriptor, 1, 0) > 0
    }

    /// Reads what is available (blocking until something is), dropping consumed bytes first.
    private mutating func fill() throws {
        if start > 0 {
            buffer.removeSubrange(0..<start)
            scanned -= start
            start = 0
        }
        let chunk = 1 << 16
        let oldCount = buffer.count
        buffer.append(contentsOf: repeatElement(0, count: chunk))
        var count: Int
        repeat {
            count = buffer.withUnsafeMutableBytes { read(fileDescriptor, $0.baseAddress! + oldCount, chunk) }
        } while count < 0 && errno == EINTR
        guard count >= 0 else {
            let code = errno
            buffer.removeLast(chunk)
            throw StreamIOError.readFailed(errno: code)
        }
        buffer.removeLast(chunk - count)
        if count == 0 { endOfInput = true }
    }
}

/// A failed read or write of the stream itself (not of one line).
public enum StreamIOError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `read(2)` of the input failed with `errno`.
    case readFailed(errno: Int32)
    /// `write(2)` of the output failed with `errno` (e.g. `EPIPE`: the reader went away).
    case writeFailed(errno: Int32)

    /// A message naming the call and the system error.
    public var description: String {
        switch self {
        case .readFailed(let code): return "reading the input failed: \(String(cString: strerror(code)))"
        case .writeFailed(let code): return "writing the output failed: \(String(cString: strerror(code)))"
        }
    }
}
