import Foundation

/// Reads the `text` field of every line of a JSON Lines file (or standard input for `-`).
enum JSONLinesInput {
    /// Errors that name the file and line.
    enum Failure: Error, CustomStringConvertible {
        case unreadable(path: String, reason: String)
        case invalidLine(path: String, line: Int, reason: String)

        var description: String {
            switch self {
            case .unreadable(let path, let reason): return "cannot read \(path): \(reason)"
            case .invalidLine(let path, let line, let reason): return "\(path):\(line): \(reason)"
            }
        }
    }

    /// The texts, one per non-empty line, in file order. A line must be a JSON object with a
    /// string field `text`; blank lines are skipped.
    static func texts(path: String) throws -> [String] {
        let data: Data
        do {
            data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw Failure.unreadable(path: path, reason: error.localizedDescription)
        }
        var texts: [String] = []
        var lineNumber = 0
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            let object: Any
            do {
                object = try JSONSerialization.jsonObject(with: Data(line))
            } catch {
                throw Failure.invalidLine(path: path, line: lineNumber, reason: "not valid JSON")
            }
            guard let text = (object as? [String: Any])?["text"] as? String else {
                throw Failure.invalidLine(path: path, line: lineNumber, reason: "expected an object with a string field \"text\"")
            }
            texts.append(text)
        }
        return texts
    }
}
