/// The binary form in which payloads are logged and stored in segments (compact and exact: no
/// JSON number round trip). Little-endian:
///
/// ```
/// payload = u32 field count, then per field (keys in ascending UTF-8 order):
///           u32 key length, key UTF-8, value
/// value   = u8 tag: 0 false | 1 true | 2 integer (i64) | 3 double (IEEE bits, u64) |
///           4 string (u32 length, UTF-8) | 5 array (u32 count, then scalar values)
/// ```
/// An empty payload is stored as no bytes at all.
enum PayloadEncoding {
    private enum Tag: UInt8 {
        case `false` = 0, `true` = 1, integer = 2, double = 3, string = 4, array = 5
    }

    /// The bytes of `payload` (empty for an empty payload).
    static func encode(_ payload: Payload) -> [UInt8] {
        guard !payload.isEmpty else { return [] }
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(UInt32(payload.fields.count))
        for key in payload.fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            bytes.appendLittleEndian(UInt32(key.utf8.count))
            bytes += key.utf8
            append(payload.fields[key]!, to: &bytes)
        }
        return bytes
    }

    private static func append(_ value: PayloadValue, to bytes: inout [UInt8]) {
        switch value {
        case .bool(let flag): bytes.append(flag ? Tag.true.rawValue : Tag.false.rawValue)
        case .integer(let number):
            bytes.append(Tag.integer.rawValue)
            bytes.appendLittleEndian(UInt64(bitPattern: number))
        case .double(let number):
            bytes.append(Tag.double.rawValue)
            bytes.appendLittleEndian(number.bitPattern)
        case .string(let text):
            bytes.append(Tag.string.rawValue)
            bytes.appendLittleEndian(UInt32(text.utf8.count))
            bytes += text.utf8
        case .array(let elements):
            bytes.append(Tag.array.rawValue)
            bytes.appendLittleEndian(UInt32(elements.count))
            for element in elements { append(element, to: &bytes) }
        }
    }

    /// Decodes bytes written by ``encode(_:)``.
    ///
    /// - Throws: ``BinaryDecodingFailure`` saying what is malformed and at which offset.
    static func decode(_ bytes: some Collection<UInt8>) throws(BinaryDecodingFailure) -> Payload {
        guard !bytes.isEmpty else { return Payload() }
        var reader = ByteReader(Array(bytes))
        let count = try reader.u32()
        guard count <= reader.remaining / 6 else { throw reader.failure("field count \(count) exceeds the bytes") }
        var fields: [String: PayloadValue] = [:]
        fields.reserveCapacity(Int(count))
        var previous: String?
        for _ in 0..<count {
            let key = try reader.string()
            if let previous, !previous.utf8.lexicographicallyPrecedes(key.utf8) {
                throw reader.failure("keys out of order or repeated ('\(key)')")
            }
            previous = key
            fields[key] = try value(&reader, nested: false)
        }
        guard reader.remaining == 0 else { throw reader.failure("\(reader.remaining) trailing bytes") }
        return Payload(fields)
    }

    private static func value(_ reader: inout ByteReader, nested: Bool) throws(BinaryDecodingFailure) -> PayloadValue {
        let byte = try reader.u8()
        guard let tag = Tag(rawValue: byte) else { throw reader.failure("unknown value tag \(byte)") }
        switch tag {
        case .false: return .bool(false)
        case .true: return .bool(true)
        case .integer: return .integer(Int64(bitPattern: try reader.u64()))
        case .double:
            let number = Double(bitPattern: try reader.u64())
            guard number.isFinite else { throw reader.failure("a non-finite number") }
            return .double(number)
        case .string: return .string(try reader.string())
        case .array:
            guard !nested else { throw reader.failure("an array inside an array") }
            let count = try reader.u32()
            guard count <= reader.remaining else { throw reader.failure("array length \(count) exceeds the bytes") }
            var elements: [PayloadValue] = []
            elements.reserveCapacity(Int(count))
            for _ in 0..<count { elements.append(try value(&reader, nested: true)) }
            return .array(elements)
        }
    }
}
