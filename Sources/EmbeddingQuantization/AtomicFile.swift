#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Crash-safe file replacement: write a temporary file in the destination's directory, `fsync`
/// it, `rename` it over the destination, `fsync` the directory. A crash leaves either the old
/// file or the complete new one, never a partial file (perhaps a stale `.NAME.PID.RANDOM.tmp`
/// beside it, which is never read and safe to delete).
///
/// `package` so that the index store (`EmbeddingStore`) writes its files the same way.
package enum AtomicFile {
    /// Splits `path` into its directory (`"."` when there is none) and file name.
    package static func directoryAndName(of path: String) -> (directory: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let directory = slash == path.startIndex ? "/" : String(path[..<slash])
        return (directory, String(path[path.index(after: slash)...]))
    }

    /// Replaces `path` with what `body` writes. The new file gets mode `0644` (less the umask).
    /// `beforeRename` runs after the `fsync`, just before the rename: a last chance to refuse
    /// (e.g. when another writer replaced `path` meanwhile). On failure the temporary file is
    /// removed and the old file is untouched.
    ///
    /// - Parameter systemFailure: turns a failed system call (open, fsync, close, rename) into
    ///   the caller's error type.
    /// - Throws: `systemFailure` of the failed system call, or what `body` or `beforeRename` threw.
    package static func write<Failure: Error>(
        to path: String, _ body: (borrowing NPYSystemFile) throws(Failure) -> Void,
        beforeRename: () throws(Failure) -> Void = {}, systemFailure: (NPYError) -> Failure
    ) throws(Failure) {
        let (directory, name) = directoryAndName(of: path)
        let temporaryPath = (directory == "/" ? "" : directory) + "/.\(name).\(getpid()).\(UInt32.random(in: 0...UInt32.max)).tmp"
        do throws(Failure) {
            let file: NPYSystemFile
            do {
                file = try NPYSystemFile(path: temporaryPath, flags: O_WRONLY | O_CREAT | O_EXCL)
            } catch {
                throw systemFailure(error)
            }
            try body(file)
            do {
                try file.synchronize()
                try file.closeReportingErrors()
            } catch {
                throw systemFailure(error)
            }
            try beforeRename()
            guard rename(temporaryPath, path) == 0 else { throw systemFailure(NPYSystemFile.lastError("rename")) }
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

    /// Replaces `path` with `bytes`.
    ///
    /// - Throws: ``NPYError/inFile(path:_:)`` wrapping the failed system call.
    static func write(_ bytes: [UInt8], to path: String) throws(NPYError) {
        do {
            try write(to: path, { (file) throws(NPYError) in try bytes.withUnsafeBufferPointer { (buffer) throws(NPYError) in try file.write(UnsafeRawBufferPointer(buffer)) } },
                      systemFailure: { $0 })
        } catch {
            throw .inFile(path: path, error)
        }
    }
}
