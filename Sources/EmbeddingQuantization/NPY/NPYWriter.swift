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
        do {
            try AtomicFileReplacement.write(to: path) { file in
                try header(for: array).withUnsafeBytes { try file.write($0) }
                try array.bytes.withUnsafeBytes { try file.write($0) }
            }
        } catch let error as NPYError {
            throw NPYError.inFile(path: path, error)
        }
    }
}

/// Replaces a file atomically: temporary file in the same directory, `fsync`, `rename`,
/// `fsync` of the directory. Shared by the `.npy` writer and the index store.
package enum AtomicFileReplacement {
    /// Splits `path` into its directory (`"."` when there is none) and file name.
    package static func directoryAndName(of path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    /// Creates a temporary file beside `path` (named `.NAME.PID.RANDOM.tmp`), lets `body` fill
    /// it, flushes it with `fsync`, runs `beforeRename` (a last chance to refuse, e.g. when
    /// another writer replaced `path` meanwhile), renames it over `path` and flushes the
    /// directory. A crash at any point leaves either the old file or the complete new one (and
    /// perhaps a stale temporary file, which is safe to delete). On a thrown error the
    /// temporary file is removed and `path` is untouched.
    ///
    /// - Throws: ``NPYError/systemError(operation:errno:message:)`` for a failed system call,
    ///   or whatever `body` or `beforeRename` throws.
    package static func write(
        to path: String,
        _ body: (borrowing NPYSystemFile) throws -> Void,
        beforeRename: () throws -> Void = {}
    ) throws {
        let (directory, name) = directoryAndName(of: path)
        let temporaryPath = (directory == "/" ? "" : directory) + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do {
            let file = try NPYSystemFile(path: temporaryPath, flags: O_WRONLY | O_CREAT | O_EXCL)
            try body(file)
            try file.synchronize()
            try file.closeReportingErrors()
            try beforeRename()
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
    }
}
