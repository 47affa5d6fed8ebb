#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file replacement: write a temporary file in the destination's directory, `fsync`
/// it, `rename` it over the destination, `fsync` the directory. A crash leaves either the old
/// file or the complete new one, never a partial file.
enum AtomicFile {
    /// Replaces `path` with what `body` writes. The new file gets mode `0644` (less the umask).
    /// On failure the temporary file is removed and the old file is untouched.
    ///
    /// - Throws: ``NPYError/inFile(path:_:)`` wrapping the failed system call, or what `body` threw.
    static func write(to path: String, _ body: (borrowing NPYSystemFile) throws -> Void) throws {
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
                try body(file)
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

    /// Replaces `path` with `bytes`.
    static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { file in try bytes.withUnsafeBytes { try file.write($0) } }
    }
}
