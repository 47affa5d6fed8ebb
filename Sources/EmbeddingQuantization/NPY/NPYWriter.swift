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
    public static func write(_ array: NPYArray, to path: String) throws(NPYError) {
        do {
            try AtomicFile.write(to: path, { (file) throws(NPYError) in
                try header(for: array).withUnsafeBufferPointer { (bytes) throws(NPYError) in try file.write(UnsafeRawBufferPointer(bytes)) }
                try array.bytes.withUnsafeBufferPointer { (bytes) throws(NPYError) in try file.write(UnsafeRawBufferPointer(bytes)) }
            }, systemFailure: { $0 })
        } catch {
            throw .inFile(path: path, error)
        }
    }
}
