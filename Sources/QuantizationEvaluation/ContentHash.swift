import Foundation

/// A 128-bit content fingerprint (two independent 64-bit FNV-1a streams) for cache keys.
///
/// Not cryptographic: it names cache files, it does not authenticate them.
public struct ContentHash: Sendable {
    private var first: UInt64 = 0xcbf2_9ce4_8422_2325
    private var second: UInt64 = 0x6c62_272e_07bb_0142
    private static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Creates an empty hash.
    public init() {}

    /// Mixes `bytes` into the hash.
    public mutating func update<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        var a = first, b = second
        for byte in bytes {
            a = (a ^ UInt64(byte)) &* Self.prime
            b = (b ^ UInt64(byte ^ 0x5a)) &* Self.prime
        }
        first = a
        second = b
    }

    /// Mixes `text` (its UTF-8 bytes, then its length, so that concatenations differ) into the hash.
    public mutating func update(text: String) {
        update(bytes: text.utf8)
        update(integer: text.utf8.count)
    }

    /// Mixes `value` (8 bytes, little-endian) into the hash.
    public mutating func update(integer value: Int) {
        withUnsafeBytes(of: UInt64(bitPattern: Int64(value)).littleEndian) { update(bytes: $0) }
    }

    /// The fingerprint as 32 lowercase hexadecimal digits.
    public var hexDigest: String {
        String(format: "%016llx%016llx", first, second)
    }
}
