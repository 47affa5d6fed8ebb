#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The streaming mode any engine can drive (Spark's `RDD.pipe`, a shell pipeline, a
/// subprocess): JSON lines `{"id", "text"}` in, one ``StreamResponse`` line out per input line,
/// in input order, written (unbuffered) after each batch.
///
/// ```swift
/// let stream = try StreamEncoder(encoder: SentenceEncoder(model: "all-MiniLM-L6-v2"), precision: .ubinary)
/// let summary = try EmbeddingStream.run(stream, input: STDIN_FILENO, output: STDOUT_FILENO)
/// ```
public enum EmbeddingStream {
    /// What a finished stream did.
    public struct Summary: Sendable, Equatable {
        /// Response lines written.
        public var responses = 0
        /// Of which errors.
        public var errors = 0
        /// Batches written.
        public var batches = 0
    }

    /// Reads `input` to its end, writing one response line per non-blank input line to `output`.
    ///
    /// - Parameters:
    ///   - maximumLineBytes: longest accepted input line (see ``StreamLineReader``).
    ///   - afterBatch: called after each batch is written, with the totals so far.
    /// - Returns: the totals.
    /// - Throws: ``StreamIOError`` when the input cannot be read or the output written; a bad
    ///   line never throws (it gets an error line).
    @discardableResult
    public static func run(_ encoder: StreamEncoder, input: Int32, output: Int32, maximumLineBytes: Int = 8 << 20,
                           afterBatch: ((Summary) -> Void)? = nil) throws -> Summary {
        var reader = StreamLineReader(fileDescriptor: input, maximumLineBytes: maximumLineBytes)
        var summary = Summary()
        while let batch = try reader.nextBatch(limit: encoder.batchSize) {
            guard !batch.isEmpty else { continue }
            let records = batch.compactMap { try? $0.get() }
            var encoded = encoder.responses(to: records).makeIterator()
            var text = ""
            for line in batch {
                let response: StreamResponse
                switch line {
                case .success: response = encoded.next()!
                case .failure(let failure): response = StreamResponse(id: failure.id, payload: .error(failure.error))
                }
                if case .error = response.payload { summary.errors += 1 }
                text += response.jsonLine
            }
            try writeAll(Array(text.utf8), to: output)
            summary.responses += batch.count
            summary.batches += 1
            afterBatch?(summary)
        }
        return summary
    }

    /// Writes every byte of `bytes`, retrying partial writes and interruptions.
    static func writeAll(_ bytes: [UInt8], to descriptor: Int32) throws {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if count < 0 {
                if errno == EINTR { continue }
                throw StreamIOError.writeFailed(errno: errno)
            }
            offset += count
        }
    }
}
