/// Appends JSON tokens to a byte array: the server's responses are written with it directly
/// (no intermediate objects), floats in their shortest round-trip form.
struct JSONWriter {
    /// The UTF-8 output so far.
    var bytes: [UInt8] = []

    init(reservingCapacity capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    /// Appends raw text (no escaping): punctuation, keys known to be plain ASCII, numbers.
    mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends `"key":`.
    mutating func key(_ name: String) {
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
    }

    /// Appends a JSON string: `"`, `\`, and control characters escaped; everything else as UTF-8.
    mutating func writeString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                          hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends a float32 in the shortest decimal form that reads back to the same float32
    /// (`0.0123`, `1e-05`). Non-finite values, which JSON cannot hold, are written as `null`.
    mutating func writeNumber(_ value: Float) {
        if value.isFinite { append(value.description) } else { append("null") }
    }

    /// Appends a double in its shortest round-trip form (`null` when not finite).
    mutating func writeNumber(_ value: Double) {
        if value.isFinite { append(value.description) } else { append("null") }
    }

    /// Appends an integer.
    mutating func writeNumber(_ value: Int) {
        append(String(value))
    }

    /// Appends `[a,b,…]` with `element` writing each item.
    mutating func writeArray<C: Collection>(_ items: C, _ element: (inout JSONWriter, C.Element) -> Void) {
        bytes.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            element(&self, item)
        }
        bytes.append(UInt8(ascii: "]"))
    }
}
