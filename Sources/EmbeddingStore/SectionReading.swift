#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `pread` access to byte ranges of an open file: exact reads and streamed CRC-32C checks that
/// never map (and so never make resident) what they read.
enum SectionReading {
    /// Reads `count` bytes at `offset` of `descriptor` into `buffer`, retrying short reads.
    ///
    /// - Throws: ``IndexFileError/systemError(operation:errno:message:)``, or
    ///   ``IndexFileError/truncated(needed:actual:)`` when the file ends first.
    static func read(_ descriptor: Int32, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws(IndexFileError) {
        var done = 0
        while done < count {
            let result = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if result < 0 {
                if errno == EINTR { continue }
                let code = errno
                throw .systemError(operation: "pread", errno: code, message: String(cString: strerror(code)))
            }
            guard result > 0 else { throw .truncated(needed: offset + count, actual: offset + done) }
            done += result
        }
    }

    /// The `count` bytes at `offset` of `descriptor`.
    ///
    /// - Throws: as ``read(_:into:count:at:)``.
    static func bytes(_ descriptor: Int32, count: Int, at offset: Int) throws(IndexFileError) -> [UInt8] {
        guard count > 0 else { return [] }
        var failure: IndexFileError?
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            do throws(IndexFileError) {
                try read(descriptor, into: buffer.baseAddress!, count: count, at: offset)
                initialized = count
            } catch {
                failure = error
                initialized = 0
            }
        }
        if let failure { throw failure }
        return bytes
    }

    /// Checks the CRC-32C of `entry`'s bytes in `descriptor`, read in 4 MiB chunks into one
    /// reused buffer.
    ///
    /// - Throws: ``IndexFileError/checksumMismatch(section:stored:computed:)`` naming `section`,
    ///   or the errors of ``read(_:into:count:at:)``.
    static func verifyChecksum(_ descriptor: Int32, entry: SectionEntry, section: IndexSection) throws(IndexFileError) {
        var crc = CRC32C()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: min(4 << 20, max(entry.length, 1)), alignment: 64)
        defer { buffer.deallocate() }
        var done = 0
        while done < entry.length {
            let wanted = min(buffer.count, entry.length - done)
            try read(descriptor, into: buffer.baseAddress!, count: wanted, at: entry.offset + done)
            crc.update(UnsafeRawBufferPointer(rebasing: buffer[0..<wanted]))
            done += wanted
        }
        guard crc.value == entry.checksum else {
            throw .checksumMismatch(section: section, stored: entry.checksum, computed: crc.value)
        }
    }

    /// A duplicate of `descriptor` that is closed on `exec`.
    ///
    /// - Throws: ``IndexFileError/systemError(operation:errno:message:)``.
    static func duplicate(_ descriptor: Int32) throws(IndexFileError) -> Int32 {
        let duplicate = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        guard duplicate >= 0 else {
            let code = errno
            throw .systemError(operation: "fcntl(F_DUPFD_CLOEXEC)", errno: code, message: String(cString: strerror(code)))
        }
        return duplicate
    }
}
