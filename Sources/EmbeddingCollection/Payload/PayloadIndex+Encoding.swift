/// The payload index section's bytes (little-endian; see `docs/COLLECTIONS.md`):
///
/// ```
/// u32 version (1), u64 row count, u32 field count, then per field (keys ascending by UTF-8):
///   u32 key length, key UTF-8,
///   u32 keyword count, keywords (u8 tag: 0 false | 1 true | 2 integer i64 | 4 string u32 length + UTF-8),
///   u32 rows per keyword (keyword count of them), the rows (u32 each, ascending per keyword),
///   u64 number count, the numbers (IEEE double bits, ascending), their rows (u32 each)
/// ```
extension PayloadIndex {
    static let formatVersion: UInt32 = 1

    /// The section bytes.
    func encoded() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.appendLittleEndian(Self.formatVersion)
        bytes.appendLittleEndian(UInt64(rowCount))
        bytes.appendLittleEndian(UInt32(fields.count))
        for key in fields.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let field = fields[key]!
            bytes.appendLittleEndian(UInt32(key.utf8.count))
            bytes += key.utf8
            bytes.appendLittleEndian(UInt32(field.keywords.count))
            for keyword in field.keywords {
                switch keyword {
                case .bool(let flag): bytes.append(flag ? 1 : 0)
                case .integer(let number):
                    bytes.append(2)
                    bytes.appendLittleEndian(UInt64(bitPattern: number))
                case .string(let text):
                    bytes.append(4)
                    bytes.appendLittleEndian(UInt32(text.utf8.count))
                    bytes += text.utf8
                }
            }
            for index in field.keywords.indices {
                bytes.appendLittleEndian(UInt32(field.postingStarts[index + 1] - field.postingStarts[index]))
            }
            bytes.reserveCapacity(bytes.count + 4 * field.postings.count + 12 * field.numbers.count + 8)
            for row in field.postings { bytes.appendLittleEndian(row) }
            bytes.appendLittleEndian(UInt64(field.numbers.count))
            for number in field.numbers { bytes.appendLittleEndian(number.bitPattern) }
            for row in field.numberRows { bytes.appendLittleEndian(row) }
        }
        return bytes
    }

    /// Decodes and checks a payload index section of a segment of `rowCount` rows (an empty
    /// section is an empty index).
    ///
    /// - Throws: ``BinaryDecodingFailure`` saying what is malformed and where.
    init(decoding bytes: [UInt8], rowCount expectedRows: Int) throws(BinaryDecodingFailure) {
        guard !bytes.isEmpty else {
            self.init(rowCount: expectedRows)
            return
        }
        var reader = ByteReader(bytes)
        let version = try reader.u32()
        guard version == Self.formatVersion else { throw reader.failure("unknown payload index version \(version)") }
        let rows = try reader.u64()
        guard rows == UInt64(expectedRows) else { throw reader.failure("the index covers \(rows) rows, the segment has \(expectedRows)") }
        self.init(rowCount: expectedRows)
        let fieldCount = try reader.u32()
        var previousKey: String?
        for _ in 0..<fieldCount {
            let key = try reader.string()
            if let previousKey, !previousKey.utf8.lexicographicallyPrecedes(key.utf8) { throw reader.failure("keys out of order at '\(key)'") }
            previousKey = key
            var field = Field()
            let keywordCount = Int(try reader.u32())
            guard keywordCount <= reader.remaining else { throw reader.failure("keyword count \(keywordCount) exceeds the bytes") }
            field.keywords.reserveCapacity(keywordCount)
            for _ in 0..<keywordCount {
                let keyword: PayloadKeyword
                switch try reader.u8() {
                case 0: keyword = .bool(false)
                case 1: keyword = .bool(true)
                case 2: keyword = .integer(Int64(bitPattern: try reader.u64()))
                case 4: keyword = .string(try reader.string())
                case let tag: throw reader.failure("unknown keyword tag \(tag)")
                }
                if let last = field.keywords.last, !(last < keyword) { throw reader.failure("keywords of '\(key)' out of order") }
                field.keywords.append(keyword)
            }
            let counts = try reader.u32Array(keywordCount)
            field.postingStarts.reserveCapacity(keywordCount + 1)
            for count in counts { field.postingStarts.append(field.postingStarts.last! + Int(count)) }
            field.postings = try reader.u32Array(field.postingStarts.last!)
            for index in 0..<keywordCount {
                var previous = -1
                for row in field.postings[field.postingStarts[index]..<field.postingStarts[index + 1]] {
                    guard Int(row) > previous, Int(row) < expectedRows else { throw reader.failure("rows of '\(key)' out of order or range") }
                    previous = Int(row)
                }
            }
            let numberCount = try reader.u64()
            guard numberCount <= UInt64(reader.remaining / 12) else { throw reader.failure("number count \(numberCount) exceeds the bytes") }
            field.numbers = try reader.u64Array(Int(numberCount)).map { Double(bitPattern: $0) }
            field.numberRows = try reader.u32Array(Int(numberCount))
            for index in field.numbers.indices {
                guard field.numbers[index].isFinite, index == 0 || field.numbers[index - 1] <= field.numbers[index],
                      Int(field.numberRows[index]) < expectedRows else {
                    throw reader.failure("numbers of '\(key)' out of order, not finite or on a row out of range")
                }
            }
            fields[key] = field
        }
        guard reader.remaining == 0 else { throw reader.failure("\(reader.remaining) trailing bytes") }
    }
}
