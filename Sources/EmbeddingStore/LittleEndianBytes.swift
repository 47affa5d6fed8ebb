/// Little-endian field access on byte arrays: the only byte order the index format uses.
extension Array where Element == UInt8 {
    /// Appends `value` as little-endian bytes.
    mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }

    /// Stores `value` as little-endian bytes at `offset` (which must be in bounds).
    mutating func storeLittleEndian<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        Swift.withUnsafeBytes(of: value.littleEndian) { bytes in
            for (index, byte) in bytes.enumerated() { self[offset + index] = byte }
        }
    }

    /// The little-endian `T` at `offset` (which must be in bounds).
    func loadLittleEndian<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) -> T {
        withUnsafeBytes { T(littleEndian: $0.loadUnaligned(fromByteOffset: offset, as: T.self)) }
    }
}

extension UnsafeRawBufferPointer {
    /// The little-endian `T` at `offset` (which must be in bounds).
    func loadLittleEndian<T: FixedWidthInteger>(_: T.Type = T.self, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }
}
