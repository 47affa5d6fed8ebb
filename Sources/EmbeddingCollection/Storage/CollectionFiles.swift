#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingQuantization

/// The files of a collection directory and the system calls on them (each failure a typed
/// ``CollectionError`` naming the file):
///
/// ```
/// DIR/MANIFEST                    the manifest (replaced atomically)
/// DIR/segment-00000001.embq       immutable segments (index files of format version 2)
/// DIR/deleted-00000004.bits       rows of a segment deleted after it was written
/// DIR/wal-0000000000000001.log    the write-ahead log, named by its first sequence number
/// DIR/.lock                       the writer lock (flock)
/// ```
enum CollectionFiles {
    static let manifestName = "MANIFEST"
    static let lockName = ".lock"

    static func segmentName(_ number: UInt64) -> String { "segment-" + padded(number, 8) + ".embq" }
    static func deletionName(_ number: UInt64) -> String { "deleted-" + padded(number, 8) + ".bits" }
    static func logName(firstSequence: UInt64) -> String { "wal-" + padded(firstSequence, 16) + ".log" }

    static func isSegmentName(_ name: String) -> Bool { number(in: name, prefix: "segment-", suffix: ".embq") != nil }
    static func isDeletionName(_ name: String) -> Bool { number(in: name, prefix: "deleted-", suffix: ".bits") != nil }
    /// The first sequence number a log file's name carries, if it is a log file's name.
    static func logFirstSequence(_ name: String) -> UInt64? { number(in: name, prefix: "wal-", suffix: ".log") }

    private static func padded(_ number: UInt64, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static func number(in name: String, prefix: String, suffix: String) -> UInt64? {
        guard name.hasPrefix(prefix), name.hasSuffix(suffix), name.count > prefix.count + suffix.count else { return nil }
        let digits = name.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return UInt64(digits)
    }

    /// `directory/name`.
    static func path(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }

    /// The typed error of the last failed system call on `path`.
    static func lastError(_ operation: String, _ path: String) -> CollectionError {
        let code = errno
        return .systemError(path: path, operation: operation, errno: code, message: String(cString: strerror(code)))
    }

    static func systemError(_ error: NPYError, _ path: String) -> CollectionError {
        switch error {
        case .systemError(let operation, let errno, let message):
            return .systemError(path: path, operation: operation, errno: errno, message: message)
        case .inFile(_, let inner):
            return systemError(inner, path)
        default:
            return .systemError(path: path, operation: "file access", errno: 0, message: error.description)
        }
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }

    /// Whether `path` is a directory.
    static func isDirectory(_ path: String) -> Bool {
        var status = stat()
        return stat(path, &status) == 0 && status.st_mode & S_IFMT == S_IFDIR
    }

    /// The whole file at `path`; `nil` when it does not exist.
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func contents(of path: String) throws(CollectionError) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { return nil }
            throw lastError("open", path)
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw lastError("read", path)
            }
            if count == 0 { return bytes }
            bytes += chunk[0..<count]
        }
    }

    /// Replaces `path` with `bytes` atomically (temporary file, `fsync`, rename, `fsync` of the
    /// directory).
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func writeAtomically(_ bytes: [UInt8], to path: String) throws(CollectionError) {
        do {
            try AtomicFile.write(
                to: path,
                { (file) throws(NPYError) in
                    try bytes.withUnsafeBufferPointer { (buffer) throws(NPYError) in try file.write(UnsafeRawBufferPointer(buffer)) }
                }, systemFailure: { $0 })
        } catch {
            throw systemError(error, path)
        }
    }

    /// The names in `directory` (without `.` and `..`).
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func names(in directory: String) throws(CollectionError) -> [String] {
        guard let stream = opendir(directory) else { throw lastError("opendir", directory) }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name != ".", name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// Removes the file at `path` (a missing file is not an error).
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func remove(_ path: String) throws(CollectionError) {
        guard unlink(path) == 0 || errno == ENOENT else { throw lastError("unlink", path) }
    }

    /// Makes renames and removals in `directory` durable (`fsync` of the directory; file systems
    /// that refuse it are not an error).
    static func synchronizeDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    /// Creates `directory` (mode 0755).
    ///
    /// - Throws: ``CollectionError/alreadyExists(path:)`` when something is there;
    ///   ``CollectionError/systemError(path:operation:errno:message:)``.
    static func createDirectory(_ directory: String) throws(CollectionError) {
        guard mkdir(directory, 0o755) == 0 else {
            if errno == EEXIST { throw .alreadyExists(path: directory) }
            throw lastError("mkdir", directory)
        }
        let (parent, _) = AtomicFile.directoryAndName(of: directory)
        synchronizeDirectory(parent)
    }

    /// Hard-links `source` as `destination`, or copies it (then `fsync`s the copy) when a link is
    /// impossible (another file system).
    ///
    /// - Throws: ``CollectionError/systemError(path:operation:errno:message:)``.
    static func linkOrCopy(_ source: String, to destination: String) throws(CollectionError) {
        if link(source, destination) == 0 { return }
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw lastError("open", source) }
        defer { close(input) }
        let output = open(destination, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard output >= 0 else { throw lastError("open", destination) }
        defer { close(output) }
        var buffer = [UInt8](repeating: 0, count: 4 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                throw lastError("read", source)
            }
            if count == 0 { break }
            var written = 0
            while written < count {
                let result = buffer.withUnsafeBytes { write(output, $0.baseAddress! + written, count - written) }
                if result < 0 {
                    if errno == EINTR { continue }
                    throw lastError("write", destination)
                }
                written += result
            }
        }
        guard fsync(output) == 0 else { throw lastError("fsync", destination) }
    }
}
