#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A thin owner of a POSIX file descriptor with `errno`-checked operations that throw
/// ``NPYError/systemError(operation:errno:message:)``.
///
/// `package` so that other EmbedQ modules (the index store) reuse it rather than repeating it.
package struct NPYSystemFile: ~Copyable {
    package let descriptor: Int32

    /// Opens `path` with `flags` (`O_CLOEXEC` is added) and `mode` for created files.
    package init(path: String, flags: Int32, mode: mode_t = 0o644) throws(NPYError) {
        let descriptor = open(path, flags | O_CLOEXEC, mode)
        guard descriptor >= 0 else { throw NPYSystemFile.lastError("open") }
        self.descriptor = descriptor
    }

    deinit {
        _ = close(descriptor)
    }

    /// Closes the descriptor, reporting errors (e.g. deferred write errors on network file
    /// systems) that `deinit` would have to swallow.
    package consuming func closeReportingErrors() throws(NPYError) {
        let descriptor = self.descriptor
        discard self
        guard close(descriptor) == 0 else { throw NPYSystemFile.lastError("close") }
    }

    /// The size of the file in bytes.
    package func size() throws(NPYError) -> Int {
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw NPYSystemFile.lastError("fstat") }
        return Int(status.st_size)
    }

    /// Reads into `buffer` from byte `offset` of the file until the buffer is full or the file
    /// ends.
    ///
    /// - Returns: the number of bytes read (less than `buffer.count` only at end of file).
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int) throws(NPYError) -> Int {
        var total = 0
        while total < buffer.count {
            // Linux transfers at most 0x7FFFF000 bytes per call.
            let chunk = min(buffer.count - total, 1 << 30)
            let result = systemRead(descriptor, buffer.baseAddress! + total, chunk, offset + total)
            if result < 0 {
                if errno == EINTR { continue }
                throw NPYSystemFile.lastError("read")
            }
            if result == 0 { break }
            total += result
        }
        return total
    }

    /// Writes all of `buffer`.
    package func write(_ buffer: UnsafeRawBufferPointer) throws(NPYError) {
        var total = 0
        while total < buffer.count {
            let chunk = min(buffer.count - total, 1 << 30)
            let result = systemWrite(descriptor, buffer.baseAddress! + total, chunk)
            if result < 0 {
                if errno == EINTR { continue }
                throw NPYSystemFile.lastError("write")
            }
            total += result
        }
    }

    /// Flushes the file's data and metadata to stable storage.
    package func synchronize() throws(NPYError) {
        guard fsync(descriptor) == 0 else { throw NPYSystemFile.lastError("fsync") }
    }

    package static func lastError(_ operation: String) -> NPYError {
        let code = errno
        return .systemError(operation: operation, errno: code, message: String(cString: strerror(code)))
    }
}

private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int, _ offset: Int) -> Int {
    pread(descriptor, buffer, count, off_t(offset))
}

private func systemWrite(_ descriptor: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, buffer, count)
}

/// Asks Linux to back a large, freshly allocated buffer with transparent huge pages (as NumPy
/// does for its arrays), which roughly halves the page-fault cost of filling it. A hint only:
/// failures are ignored, and other systems do nothing.
func adviseHugePages(_ buffer: UnsafeMutableRawBufferPointer) {
    #if os(Linux)
    let pageSize = 4096
    guard buffer.count >= 4 << 20, let base = buffer.baseAddress else { return }
    let start = (UInt(bitPattern: base) + UInt(pageSize - 1)) & ~UInt(pageSize - 1)
    let end = (UInt(bitPattern: base) + UInt(buffer.count)) & ~UInt(pageSize - 1)
    guard end > start, let alignedStart = UnsafeMutableRawPointer(bitPattern: start) else { return }
    _ = madvise(alignedStart, Int(end - start), MADV_HUGEPAGE)
    #endif
}
