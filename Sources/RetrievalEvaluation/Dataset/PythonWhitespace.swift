/// Python's notion of whitespace, so that stripping matches `str.strip()` exactly.
enum PythonWhitespace {
    /// Whether Python's `str.isspace()` holds for `scalar`: the Unicode `White_Space` property
    /// plus the information separators U+001C...U+001F, which Python also counts.
    static func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.isWhitespace || (0x1C...0x1F).contains(scalar.value)
    }

    /// `text` without leading and trailing Python whitespace (`str.strip()` with no argument).
    static func strip(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !isWhitespace($0) }),
              let last = scalars.lastIndex(where: { !isWhitespace($0) })
        else { return "" }
        return String(scalars[first...last])
    }
}
