#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Read-only bytes that codes are scored from: an in-memory array or a memory-mapped file.
///
/// Conformers must be safe to read from several threads at once and must keep the bytes alive
/// and unchanged while `withUnsafeBytes` runs.
public protocol ByteSource: Sendable {
    /// Number of bytes.
    var byteCount: Int { get }
    /// Calls `body` with the bytes.
    func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result
}

extension Array: ByteSource where Element == UInt8 {
    /// Number of bytes (`count`).
    public var byteCount: Int { count }
}

/// A whole file mapped read-only into memory (`mmap`); pages are read on first touch, so rows
/// that are never scored are never read. Unmapped when the last reference goes away.
public final class MemoryMappedFile: ByteSource, @unchecked Sendable {
    // Immutable after init; the mapping is read-only: safe to share across threads.
    private let base: UnsafeRawPointer?
    /// Number of bytes mapped (the file's size when it was opened).
    public let byteCount: Int
    /// The file's path.
    public let path: String

    /// Maps the file at `path`.
    ///
    /// - Throws: ``SearchError/cannotMapFile(path:reason:)`` when it cannot be opened or mapped.
    public init(path: String) throws(SearchError) {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw SearchError.cannotMapFile(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw SearchError.cannotMapFile(path: path, reason: String(cString: strerror(errno)))
        }
        byteCount = Int(status.st_size)
        guard byteCount > 0 else {
            base = nil
            return
        }
        guard let mapped = mmap(nil, byteCount, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
            throw SearchError.cannotMapFile(path: path, reason: String(cString: strerror(errno)))
        }
        base = UnsafeRawPointer(mapped)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), byteCount) }
    }

    /// Calls `body` with the mapped bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try body(UnsafeRawBufferPointer(start: base, count: byteCount))
    }
}

/// A window of another byte source: `count` bytes from `offset` (e.g. the codes after a file
/// header).
public struct ByteSlice: ByteSource {
    /// The underlying bytes.
    public let base: any ByteSource
    /// Start of the window, in bytes.
    public let offset: Int
    /// Length of the window, in bytes.
    public let byteCount: Int

    /// A window of `base`; `nil` when it does not fit inside `base`.
    public init?(_ base: any ByteSource, offset: Int, count: Int) {
        guard offset >= 0, count >= 0, offset <= base.byteCount, count <= base.byteCount - offset else { return nil }
        self.base = base
        self.offset = offset
        self.byteCount = count
    }

    /// Calls `body` with the window's bytes.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try base.withUnsafeBytes { all in
            try body(UnsafeRawBufferPointer(rebasing: all[offset..<(offset + byteCount)]))
        }
    }
}
