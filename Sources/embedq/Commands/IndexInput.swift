import EmbedQ
import Foundation

/// Reading the inputs of the `embedq index` commands: id lists, and telling index files apart.
enum IndexInput {
    /// The ids of a text file, one per line (a final newline and `\r` before it are allowed).
    ///
    /// - Throws: a failure naming the file and line for an empty line or a repeated id.
    static func ids(_ path: String) throws -> [String] {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw CommandFailure("\(path): cannot read the ids: \(error.localizedDescription)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure("\(path): the ids are not valid UTF-8")
        }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : String($0)
        }
        if lines.last == "" { lines.removeLast() }
        var firstLine: [String: Int] = [:]
        firstLine.reserveCapacity(lines.count)
        for (number, id) in lines.enumerated() {
            guard !id.isEmpty else { throw CommandFailure("\(path): line \(number + 1) is empty; ids are non-empty, one per line") }
            if let first = firstLine.updateValue(number + 1, forKey: id) {
                throw CommandFailure("\(path): line \(number + 1): duplicate id '\(id)' (first on line \(first))")
            }
        }
        return lines
    }

    /// Fails unless there is one id per row (embedding or text) of `corpusPath`.
    static func checkCount(ids: [String], idsPath: String, rows: Int, corpusPath: String) throws {
        guard ids.count == rows else {
            throw CommandFailure("\(idsPath) has \(ids.count) ids but \(corpusPath) has \(rows) rows")
        }
    }

    /// Whether the file at `path` starts with the index magic `EMBQINDX`.
    static func isIndexFile(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let head = (try? handle.read(upToCount: IndexHeader.magic.count)) ?? Data()
        return [UInt8](head) == IndexHeader.magic
    }
}
