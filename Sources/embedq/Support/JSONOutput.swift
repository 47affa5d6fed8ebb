import Foundation

/// The one JSON writer of the commands: one compact object per line on standard output (for
/// `--json`, and the JSON Lines of `tokenize`), keys sorted, slashes unescaped.
enum JSONOutput {
    /// Encodes `value` as one line of compact JSON (with its newline).
    static func line<Value: Encodable>(_ value: Value) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(value) + Data("\n".utf8)
    }

    /// Prints `value` as one line of JSON.
    static func printLine<Value: Encodable>(_ value: Value) throws {
        FileHandle.standardOutput.write(try line(value))
    }
}
