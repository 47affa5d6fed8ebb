/// Bytes of a collection file (a payload, a log record, a payload index) that do not decode:
/// what is wrong and at which byte offset.
struct BinaryDecodingFailure: Error, Sendable, CustomStringConvertible {
    var offset: Int
    var reason: String

    var description: String { "malformed bytes at offset \(offset): \(reason)" }
}

/// Sequential little-endian reads from a byte array, each bounds-checked.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - position }

    func failure(_ reason: String) -> BinaryDecodingFailure { BinaryDecodingFailure(offset: position, reason: reason) }

    mutating func take(_ count: Int) throws(BinaryDecodingFailure) -> ArraySlice<UInt8> {
        guard count >= 0, count <= remaining else { throw failure("\(count) bytes needed, \(remaining) left") }
        defer { position += count }
        return bytes[position..<(position + count)]
    }

    mutating func u8() throws(BinaryDecodingFailure) -> UInt8 { try take(1).first! }

    mutating func u32() throws(BinaryDecodingFailure) -> UInt32 {
        guard remaining >= 4 else { throw failure("4 bytes needed, \(remaining) left") }
        defer { position += 4 }
        return bytes.withUnsafeBytes { UInt32(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt32.self)) }
    }

    mutating func u64() throws(BinaryDecodingFailure) -> UInt64 {
        guard remaining >= 8 else { throw failure("8 bytes needed, \(remaining) left") }
        defer { position += 8 }
        return bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: position, as: UInt64.self)) }
    }

    /// `count` little-endian UInt32 values.
    mutating func u32Array(_ count: Int) throws(BinaryDecodingFailure) -> [UInt32] {
        guard count >= 0, count <= remaining / 4 else { throw failure("\(count) 4-byte values need more than the \(remaining) bytes left") }
        let start = position
        position += 4 * count
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: start + 4 * $0, as: UInt32.self)) }
        }
    }

    /// `count` little-endian UInt64 values.
    mutating func u64Array(_ count: Int) throws(BinaryDecodingFailure) -> [UInt64] {
        guard count >= 0, count <= remaining / 8 else { throw failure("\(count) 8-byte values need more than the \(remaining) bytes left") }
        let start = position
        position += 8 * count
        return bytes.withUnsafeBytes { raw in
            (0..<count).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: start + 8 * $0, as: UInt64.self)) }
        }
    }

    mutating func string() throws(BinaryDecodingFailure) -> String {
        let length = Int(try u32())
        let slice = try take(length)
        guard let text = String(validating: slice, as: UTF8.self) else { throw failure("a string that is not valid UTF-8") }
        return text
    }
}

extension Array where Element == UInt8 {
    /// Appends `value` as little-endian bytes.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
