#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// The writer lock of a collection: an exclusive `flock` on `DIR/.lock`, held by a writable
/// ``VectorCollection`` for as long as it is open. The kernel drops it when the process dies
/// (killed or not), so a crashed writer never blocks the next one. Readers take no lock.
final class DirectoryLock: @unchecked Sendable {
    // The descriptor is owned by this object and only closed in deinit / release (under `lock`).
    private var descriptor: Int32
    private let lock = NSLock()

    /// Takes the lock of `directory`, waiting while another writer holds it.
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    init(directory: String) throws(CollectionError) {
        let path = CollectionFiles.path(directory, CollectionFiles.lockName)
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CollectionFiles.lastError("open", path) }
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else {
                let error = CollectionFiles.lastError("flock", path)
                close(descriptor)
                throw error
            }
        }
        self.descriptor = descriptor
    }

    /// Releases the lock (closing its descriptor); later calls do nothing.
    func release() {
        lock.withLock {
            if descriptor >= 0 { close(descriptor) }
            descriptor = -1
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }
}
