import Foundation

/// Writes one JSON object per line to standard output (for `--json`).
enum JSONOutput {
    /// Encodes `value` as compact JSON with sorted keys and prints it as one line.
    static func printLine<Value: Encodable>(_ value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(value)
        FileHandle.standardOutput.write(data + Data("\n".utf8))
    }
}
