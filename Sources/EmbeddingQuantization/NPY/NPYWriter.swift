#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension NPYFile {
    /// Writes `array` to `path` as `numpy.save` would (see ``encode(_:)``), atomically.
    ///
    /// The bytes go to a temporary file in the same directory, which is flushed with `fsync` and
    /// then renamed over `path`; the directory is flushed too. A crash therefore leaves either
    /// the old file or the complete new one, never a partial file. The new file gets mode
    /// `0644` (less the umask). On failure the temporary file is removed.
    ///
    /// - Throws: ``NPYError/inFile(path:_:)`` wrapping the failed system call.
    public static func write(_ array: NPYArray, to path: String) throws {
        try AtomicFile.write(to: path) { file in
            try header(for: array).withUnsafeBytes { try file.write($0) }
            try array.bytes.withUnsafeBytes { try file.write($0) }
        }
    }
}
