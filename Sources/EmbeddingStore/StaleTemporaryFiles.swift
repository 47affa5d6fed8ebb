#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import EmbeddingQuantization

extension IndexFile {
    /// Removes the temporary files that writers killed mid-change left beside `path`
    /// (`.NAME.PID.RANDOM.tmp` whose process `PID` no longer exists) and returns their paths.
    /// Files of live writers are kept. Such files are never read; removing them only frees space.
    ///
    /// - Throws: ``IndexFileError/systemError(operation:errno:message:)`` if the directory
    ///   cannot be listed or a file cannot be removed, wrapped in ``IndexFileError/inFile(path:_:)``.
    @discardableResult
    public static func removeStaleTemporaryFiles(besides path: String) throws(IndexFileError) -> [String] {
        let (directory, name) = AtomicFile.directoryAndName(of: path)
        let prefix = ".\(name)."
        guard let stream = opendir(directory) else { throw lastSystemError("opendir").inFile(path) }
        defer { closedir(stream) }
        var removed: [String] = []
        while let entry = readdir(stream) {
            let entryName = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard entryName.hasPrefix(prefix), entryName.hasSuffix(".tmp") else { continue }
            let fields = entryName.dropFirst(prefix.count).dropLast(4).split(separator: ".")
            guard fields.count == 2, let pid = pid_t(fields[0]), UInt32(fields[1]) != nil, pid > 0 else { continue }
            // kill(pid, 0) fails with ESRCH only when no such process exists.
            guard kill(pid, 0) != 0, errno == ESRCH else { continue }
            let stale = (directory == "/" ? "" : directory) + "/" + entryName
            guard unlink(stale) == 0 || errno == ENOENT else { throw lastSystemError("unlink").inFile(stale) }
            removed.append(stale)
        }
        return removed.sorted()
    }

    private static func lastSystemError(_ operation: String) -> IndexFileError {
        let code = errno
        return .systemError(operation: operation, errno: code, message: String(cString: strerror(code)))
    }
}
