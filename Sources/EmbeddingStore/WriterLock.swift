#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingQuantization

/// Serializes the writers of one index: an exclusive `flock` on `.NAME.lock` beside the index,
/// held from reading the old file until the new one is renamed into place. The kernel releases
/// the lock when its holder exits, killed or not, so a crashed writer never blocks the next one.
/// The (empty) lock file stays; it is never read. Readers take no lock.
enum WriterLock {
    /// Runs `body` while holding the writer lock of the index at `path`, waiting for it if another
    /// writer (thread or process) holds it.
    static func withLock<T>(for path: String, _ body: () throws(IndexFileError) -> T) throws(IndexFileError) -> T {
        let (directory, name) = AtomicFile.directoryAndName(of: path)
        let lockPath = (directory == "/" ? "" : directory) + "/.\(name).lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw lastError("open lock file").inFile(lockPath) }
        defer { close(descriptor) }  // closing releases the lock
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw lastError("flock").inFile(lockPath) }
        }
        return try body()
    }

    private static func lastError(_ operation: String) -> IndexFileError {
        let code = errno
        return .systemError(operation: operation, errno: code, message: String(cString: strerror(code)))
    }
}
