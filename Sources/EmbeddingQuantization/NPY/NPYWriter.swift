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
        let directory: String
        let name: String
        if let slash = path.lastIndex(of: "/") {
            directory = slash == path.startIndex ? "/" : String(path[..<slash])
            name = String(path[path.index(after: slash)...])
        } else {
            directory = "."
            name = path
        }
        let temporaryPath = (directory == "/" ? "" : directory) + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do {
            do {
                let file = try NPYSystemFile(path: temporaryPath, flags: O_WRONLY | O_CREAT | O_EXCL)
                try header(for: array).withUnsafeBytes { try file.write($0) }
                try array.bytes.withUnsafeBytes { try file.write($0) }
                try file.synchronize()
                try file.closeReportingErrors()
                guard rename(temporaryPath, path) == 0 else { throw NPYSystemFile.lastError("rename") }
            } catch {
                _ = unlink(temporaryPath)
                throw error
            }
            // Make the rename itself durable. Some file systems refuse fsync on directories;
            // the data is already safe then, so that is not an error.
            if let directoryFile = try? NPYSystemFile(path: directory, flags: O_RDONLY) {
                try? directoryFile.synchronize()
            }
        } catch let error as NPYError {
            throw NPYError.inFile(path: path, error)
        }
    }
}
