/// A value of the Python literal subset that `.npy` headers use, and its parser.
///
/// NumPy writes the header with `repr` of a dict and reads it with `ast.literal_eval`; this
/// parser accepts the same literals as far as headers need them: strings (single or double
/// quoted, with backslash escapes), `True`, `False`, `None`, integers (optionally signed, with a
/// Python 2 `L` suffix), tuples, lists and dicts. Anything else is a
/// ``NPYError/malformedHeader(reason:offset:)`` with the byte offset of the problem.
enum NPYHeaderLiteral: Equatable {
    case string(String)
    case boolean(Bool)
    case none
    /// The integer's decimal digits (with sign); conversion to `Int` is left to the caller so
    /// that an overflowing dimension can be reported as a shape problem.
    case integer(String)
    case tuple([NPYHeaderLiteral])
    case list([NPYHeaderLiteral])
    case dict([(key: String, value: NPYHeaderLiteral)])

    static func == (lhs: NPYHeaderLiteral, rhs: NPYHeaderLiteral) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): return a == b
        case (.boolean(let a), .boolean(let b)): return a == b
        case (.none, .none): return true
        case (.integer(let a), .integer(let b)): return a == b
        case (.tuple(let a), .tuple(let b)), (.list(let a), .list(let b)): return a == b
        case (.dict(let a), .dict(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// A short Python-like rendering, for error messages.
    var pythonDescription: String {
        switch self {
        case .string(let text): return "'\(text)'"
        case .boolean(let value): return value ? "True" : "False"
        case .none: return "None"
        case .integer(let digits): return digits
        case .tuple(let items):
            return "(" + items.map(\.pythonDescription).joined(separator: ", ") + (items.count == 1 ? ",)" : ")")
        case .list(let items): return "[" + items.map(\.pythonDescription).joined(separator: ", ") + "]"
        case .dict(let entries):
            return "{" + entries.map { "'\($0.key)': \($0.value.pythonDescription)" }.joined(separator: ", ") + "}"
        }
    }

    /// Parses `text` (the header bytes after the length field) as one literal followed only by
    /// whitespace.
    ///
    /// - Parameter isUTF8: `true` for format 3.0 (UTF-8 header); otherwise strings are latin-1.
    static func parse(_ text: ArraySlice<UInt8>, isUTF8: Bool) throws(NPYError) -> NPYHeaderLiteral {
        var parser = Parser(bytes: Array(text), isUTF8: isUTF8)
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == parser.bytes.count else {
            throw parser.error("unexpected '\(parser.printable(parser.bytes[parser.position]))' after the header literal")
        }
        return value
    }

    private struct Parser {
        let bytes: [UInt8]
        let isUTF8: Bool
        var position = 0

        /// Deeper nesting than this is not a `.npy` header; the limit keeps recursion bounded.
        static let maximumDepth = 16

        init(bytes: [UInt8], isUTF8: Bool) {
            self.bytes = bytes
            self.isUTF8 = isUTF8
        }

        func error(_ reason: String) -> NPYError {
            .malformedHeader(reason: reason, offset: position)
        }

        func printable(_ byte: UInt8) -> String {
            (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
        }

        mutating func skipWhitespace() {
            while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D, 0x0C].contains(bytes[position]) {
                position += 1
            }
        }

        mutating func parseValue(depth: Int) throws(NPYError) -> NPYHeaderLiteral {
            guard depth <= Parser.maximumDepth else { throw error("nesting deeper than \(Parser.maximumDepth)") }
            skipWhitespace()
            guard position < bytes.count else { throw error("unexpected end of header, expected a value") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseDict(depth: depth)
            case UInt8(ascii: "("): return try parseSequence(close: UInt8(ascii: ")"), depth: depth)
            case UInt8(ascii: "["): return try parseSequence(close: UInt8(ascii: "]"), depth: depth)
            case UInt8(ascii: "'"), UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseInteger()
            default: return try parseName()
            }
        }

        mutating func parseDict(depth: Int) throws(NPYError) -> NPYHeaderLiteral {
            position += 1  // "{"
            var entries: [(key: String, value: NPYHeaderLiteral)] = []
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of header inside a dict") }
                if bytes[position] == UInt8(ascii: "}") {
                    position += 1
                    return .dict(entries)
                }
                let keyOffset = position
                guard bytes[position] == UInt8(ascii: "'") || bytes[position] == UInt8(ascii: "\"") else {
                    throw error("expected a string key or '}', found '\(printable(bytes[position]))'")
                }
                let key = try parseString()
                if entries.contains(where: { $0.key == key }) {
                    throw NPYError.malformedHeader(reason: "duplicate key '\(key)'", offset: keyOffset)
                }
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                    throw error("expected ':' after key '\(key)'")
                }
                position += 1
                entries.append((key, try parseValue(depth: depth + 1)))
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of header inside a dict") }
                if bytes[position] == UInt8(ascii: ",") {
                    position += 1
                } else if bytes[position] != UInt8(ascii: "}") {
                    throw error("expected ',' or '}' after the value of '\(key)', found '\(printable(bytes[position]))'")
                }
            }
        }

        /// Parses `( … )` or `[ … ]`. A parenthesized single value without a comma is that value
        /// (Python semantics: `(5)` is the integer 5, `(5,)` a 1-tuple).
        mutating func parseSequence(close: UInt8, depth: Int) throws(NPYError) -> NPYHeaderLiteral {
            position += 1  // "(" or "["
            var items: [NPYHeaderLiteral] = []
            var sawComma = false
            while true {
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of header inside a tuple or list") }
                if bytes[position] == close {
                    position += 1
                    break
                }
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw error("unexpected end of header inside a tuple or list") }
                if bytes[position] == UInt8(ascii: ",") {
                    sawComma = true
                    position += 1
                } else if bytes[position] != close {
                    throw error("expected ',' or '\(printable(close))', found '\(printable(bytes[position]))'")
                }
            }
            if close == UInt8(ascii: "]") { return .list(items) }
            if items.count == 1 && !sawComma { return items[0] }
            return .tuple(items)
        }

        mutating func parseString() throws(NPYError) -> String {
            let quote = bytes[position]
            let start = position
            position += 1
            var content: [UInt8] = []
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                if byte == quote {
                    return try decode(content, at: start)
                }
                if byte == 0x0A { break }  // Python strings cannot span lines
                if byte == UInt8(ascii: "\\") {
                    guard position < bytes.count else { break }
                    let escaped = bytes[position]
                    position += 1
                    switch escaped {
                    case UInt8(ascii: "n"): content.append(0x0A)
                    case UInt8(ascii: "t"): content.append(0x09)
                    case UInt8(ascii: "r"): content.append(0x0D)
                    case UInt8(ascii: "0"): content.append(0x00)
                    default: content.append(escaped)  // \\, \', \" and anything else literally
                    }
                } else {
                    content.append(byte)
                }
            }
            throw NPYError.malformedHeader(reason: "unterminated string", offset: start)
        }

        func decode(_ content: [UInt8], at offset: Int) throws(NPYError) -> String {
            if isUTF8 {
                guard let text = String(validating: content, as: UTF8.self) else {
                    throw NPYError.malformedHeader(reason: "string is not valid UTF-8", offset: offset)
                }
                return text
            }
            // Latin-1: every byte is the code point of the same value.
            return String(String.UnicodeScalarView(content.map { UnicodeScalar($0) }))
        }

        mutating func parseInteger() throws(NPYError) -> NPYHeaderLiteral {
            let start = position
            var digits = ""
            if bytes[position] == UInt8(ascii: "-") || bytes[position] == UInt8(ascii: "+") {
                if bytes[position] == UInt8(ascii: "-") { digits = "-" }
                position += 1
            }
            let firstDigit = position
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                digits.append(Character(UnicodeScalar(bytes[position])))
                position += 1
            }
            guard position > firstDigit else {
                throw NPYError.malformedHeader(reason: "expected digits after a sign", offset: start)
            }
            // Python 2 wrote long integers with an L suffix ("(3L, 4L)").
            if position < bytes.count, bytes[position] == UInt8(ascii: "L") || bytes[position] == UInt8(ascii: "l") {
                position += 1
            }
            if position < bytes.count, isNameByte(bytes[position]) || bytes[position] == UInt8(ascii: ".") {
                throw error("only integers are allowed here, found '\(printable(bytes[position]))' in a number")
            }
            return .integer(digits)
        }

        func isNameByte(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || byte == UInt8(ascii: "_")
        }

        mutating func parseName() throws(NPYError) -> NPYHeaderLiteral {
            let start = position
            while position < bytes.count, isNameByte(bytes[position]) { position += 1 }
            let name = String(decoding: bytes[start..<position], as: UTF8.self)
            switch name {
            case "True": return .boolean(true)
            case "False": return .boolean(false)
            case "None": return .none
            case "":
                throw NPYError.malformedHeader(
                    reason: "unexpected '\(printable(bytes[start]))', expected a value", offset: start)
            default:
                throw NPYError.malformedHeader(reason: "unknown name '\(name)', expected a literal", offset: start)
            }
        }
    }
}
