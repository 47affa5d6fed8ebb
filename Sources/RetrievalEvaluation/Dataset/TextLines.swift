import Foundation

/// The lines of a text file with their 1-based line numbers, tolerant of CRLF line ends, of
/// blank lines (which are skipped) and of a leading UTF-8 byte order mark (which is dropped).
struct TextLines {
    /// The file's path, for error messages.
    let path: String
    /// The file's bytes.
    let bytes: Data

    /// Reads the file at `url`.
    init(contentsOf url: URL) throws(DatasetError) {
        path = url.path
        guard FileManager.default.fileExists(atPath: path) else {
            throw .missingFile(path: path)
        }
        let contents: Data
        do {
            contents = try Data(contentsOf: url)
        } catch {
            throw .unreadableFile(path: path, reason: error.localizedDescription)
        }
        bytes = contents.starts(with: [0xEF, 0xBB, 0xBF]) ? contents.dropFirst(3) : contents
    }

    /// Calls `body` with each non-blank line (without its `\n` or `\r\n`) and its line number.
    func forEachLine(_ body: (Data, Int) throws(DatasetError) -> Void) throws(DatasetError) {
        var lineNumber = 0
        var start = bytes.startIndex
        while start < bytes.endIndex {
            lineNumber += 1
            let end = bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            var line = bytes[start..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            start = end < bytes.endIndex ? bytes.index(after: end) : end
            let isBlank = line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
            if !isBlank { try body(line, lineNumber) }
        }
    }
}
